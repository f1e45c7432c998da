//! `chronos-cli`: the command-line front end on chronos-core.
//!
//! `--demo` starts the Google emulator in-process with the demo world and signs in without a
//! browser (the emulator approves at once and redirects to our loopback listener). Because that
//! emulator lives only as long as the process, `--emulator-url` talks to a separately started
//! `gcal-emulator` instead, so state can span several invocations (and a killed one). Any other
//! server is named endpoint by endpoint (see `endpoints`).

mod add;
mod calendar_arg;
mod endpoints;
#[cfg(test)]
mod endpoints_tests;
mod health;
mod output;
mod search;
mod trash;
mod undo;
mod when;

use anyhow::{anyhow, bail, Context, Result};
use chronos_core::auth::open_without_browser;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::secrets::{KeyringSecretStore, SecretStore};
use chronos_core::service::{Chronos, ChronosOptions};
use chronos_core::store::Detail;
use chronos_core::store::{CalendarRef, Store};
use chronos_core::sync::progress::SyncOutcome;
use clap::{Parser, Subcommand};
use endpoints::{Approval, ServerArgs, ServerChoice};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "chronos-cli",
    version,
    about = "Chronos from the command line: Google Calendar sync into an encrypted local store"
)]
struct Cli {
    /// Where the local store lives (default: the platform data directory).
    #[arg(long, global = true, env = "CHRONOS_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Run against an in-process emulator with the demo world; sign-in needs no browser.
    #[arg(long, global = true, conflicts_with_all = endpoints::DEMO_EXCLUDES)]
    demo: bool,
    #[command(flatten)]
    server: ServerArgs,
    /// The keyring service the secrets are filed under (tests use their own).
    #[arg(long, global = true, env = "CHRONOS_KEYRING_SERVICE", hide = true)]
    keyring_service: Option<String>,
    /// Cancel a sync after this many seconds.
    #[arg(long, global = true, default_value_t = 300)]
    sync_timeout: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sign a Google account in (prints the URL and opens the browser).
    Connect,
    /// List connected accounts with their sync status.
    Accounts,
    /// List calendars (selected ones are marked with *).
    Calendars {
        #[arg(long)]
        account: Option<String>,
    },
    /// Select a calendar for sync and display (or deselect it with --off).
    Select {
        calendar: String,
        #[arg(long)]
        off: bool,
        #[arg(long)]
        account: Option<String>,
    },
    /// Sync now, with a live progress display.
    Sync {
        #[arg(long)]
        account: Option<String>,
    },
    /// Show each account's sync status.
    Status,
    /// List the events of [--from, --to), one line per occurrence of a recurring series.
    ///
    /// The range is read in the zone (--zone, else $TZ, else the system's): a bare date is
    /// local midnight there, and all-day events count on the dates they name there. Times are
    /// printed as Google gives them (with their offset; all-day events as dates).
    ///
    /// If a runaway recurring rule had to be cut (more than 50,000 occurrences of one series, or
    /// 100,000 in all), a notice says so on stdout and the exit status is 4.
    #[command(after_long_help = output::JSON_FIELDS_HELP)]
    Events {
        /// Start: YYYY-MM-DD (midnight in the zone) or an RFC 3339 time with its offset.
        #[arg(long)]
        from: String,
        /// End, exclusive: YYYY-MM-DD (midnight in the zone) or an RFC 3339 time.
        #[arg(long)]
        to: String,
        /// The IANA zone to read the range in (e.g. Europe/Berlin; default: $TZ, else the
        /// system's zone).
        #[arg(long)]
        zone: Option<String>,
        #[arg(long)]
        account: Option<String>,
        /// Only this calendar (its id, as `chronos-cli calendars` lists it).
        #[arg(long)]
        calendar: Option<String>,
        /// One JSON object per line (fields: see --help).
        #[arg(long)]
        json: bool,
        /// The stored rows as Google sent them: a recurring series is its master row (and its
        /// exceptions), not one line per occurrence.
        #[arg(long)]
        raw: bool,
    },
    /// Add an event from one line of text; --dry-run shows it and saves nothing.
    Add(add::AddArgs),
    /// Search every selected calendar of every account, all history (see --help).
    Search(search::SearchArgs),
    /// List the trash: deleted events kept for 30 days (title, calendar, when, why).
    #[command(after_long_help = trash::TRASH_JSON_HELP)]
    Trash {
        /// One JSON object per line (fields: see --help).
        #[arg(long)]
        json: bool,
    },
    /// Take back the last change made through Chronos on this machine (the app's too); --redo
    /// makes the last undone one again. Sent to Google at once (queued if it cannot be reached).
    Undo {
        #[arg(long)]
        redo: bool,
        #[arg(long)]
        json: bool,
    },
    /// Each synced calendar's sync health: last sync, last error, counts, push (see --help).
    #[command(after_long_help = health::HEALTH_JSON_HELP)]
    Health {
        /// One JSON object per line (fields: see --help).
        #[arg(long)]
        json: bool,
    },
    /// Bring an event back from the trash (ID as `chronos-cli trash` lists it).
    Restore {
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Revoke the grant, delete the tokens and the account's local data.
    Disconnect { account: String },
    /// Start over when the keyring lost the key of the local copy: wipes the local events,
    /// unsent changes and conflicts (accounts and calendar choices stay), then the next sync
    /// fetches everything again. Without --yes it only says what would be lost.
    ResetLocal {
        /// Really wipe (the unsent changes counted first are lost for good).
        #[arg(long)]
        yes: bool,
    },
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHRONOS_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into a log file or a pipe.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(chronos_core::sync::blocking_threads())
        .build()
        .expect("tokio runtime");
    let code = match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<chronos_core::Error>() {
                Some(ce) => eprintln!("error [{}]: {ce}", ce.kind().as_str()),
                None => eprintln!("error: {e:#}"),
            }
            1
        }
    };
    // Do not wait for background timers and the in-process emulator.
    rt.shutdown_timeout(Duration::from_millis(200));
    std::process::exit(code);
}

/// The server options resolved; `--demo` first starts its emulator, which lives as long as the
/// returned handle.
async fn server(cli: &Cli) -> Result<(ServerChoice, Option<gcal_emulator::EmulatorHandle>)> {
    let env = |k: &str| std::env::var(k).ok();
    if !cli.demo {
        return Ok((ServerChoice::from_args(&cli.server, env)?, None));
    }
    let emu = gcal_emulator::start(gcal_emulator::EmulatorConfig::default())
        .await
        .map_err(|e| anyhow!("the demo emulator did not start: {e}"))?;
    let args = ServerArgs {
        emulator_url: Some(emu.base_url()),
        redirect_port: cli.server.redirect_port,
        ..Default::default()
    };
    Ok((ServerChoice::from_args(&args, env)?, Some(emu)))
}

fn data_dir(cli: &Cli, server: &ServerChoice) -> Result<PathBuf> {
    if let Some(d) = &cli.data_dir {
        return Ok(d.clone());
    }
    let store = Store::default_path()?;
    let base = store
        .parent()
        .ok_or_else(|| anyhow!("no data directory"))?
        .to_path_buf();
    Ok(match server.data_subdir() {
        Some(sub) => base.join(sub),
        None => base,
    })
}

async fn run(cli: Cli) -> Result<i32> {
    let (server, _emulator) = server(&cli).await?;
    let secrets: Arc<dyn SecretStore> = Arc::new(match &cli.keyring_service {
        Some(s) => KeyringSecretStore::with_service(s.clone()),
        None => KeyringSecretStore::new(),
    });
    let mut options = server.chronos_options(data_dir(&cli, &server)?, secrets);
    options.run.run_timeout = Duration::from_secs(cli.sync_timeout.max(1));
    if let Command::ResetLocal { yes } = cli.command {
        return reset_local(options, yes).await;
    }
    // Opening never wipes: a lost data key is an error naming `reset-local`, the one command
    // that wipes, and only with the user's --yes.
    let settings = chronos_core::settings::SettingsStore::load(&options.data_dir).get();
    let chronos = Chronos::open(options).await?;
    // The app's settings hold the trash's retention and the mass-deletion limits: a sync from
    // here keeps to them too.
    chronos.apply_safety_settings(&settings);

    // The in-process demo emulator forgets every grant when the process ends: sign in afresh.
    if cli.demo && !matches!(cli.command, Command::Connect | Command::Disconnect { .. }) {
        let account = chronos.connect_account(open_without_browser).await?;
        eprintln!("demo: signed in as {account}");
    }

    match &cli.command {
        Command::Connect => {
            let approval = server.approval;
            let account = chronos
                .connect_account(move |url: String| async move {
                    println!("Open this address to sign in:\n  {url}");
                    match approval {
                        Approval::Automatic => open_without_browser(url).await,
                        Approval::Browser => {
                            open_browser(&url);
                            Ok(())
                        }
                    }
                })
                .await?;
            println!("Connected {account}. Run `chronos-cli sync` to fetch its calendars.");
            Ok(0)
        }
        Command::Accounts => {
            let accounts = chronos.accounts().await?;
            if accounts.is_empty() {
                println!("No account connected. Run `chronos-cli connect`.");
            }
            for a in accounts {
                println!(
                    "{}  {}  ({} calendars, {} selected)",
                    a.id,
                    output::status_line(&a.status),
                    a.calendars,
                    a.selected_calendars
                );
            }
            Ok(0)
        }
        Command::Calendars { account } => {
            let account = account.as_deref().map(AccountId::from);
            let calendars = chronos.calendars(account.as_ref()).await?;
            if calendars.is_empty() {
                if chronos.accounts().await?.is_empty() {
                    println!(
                        "No account connected. Run `chronos-cli connect`, then `chronos-cli sync`."
                    );
                } else {
                    println!("No calendars yet: they arrive with the first sync. Run `chronos-cli sync`.");
                }
            }
            for c in calendars {
                let name = c
                    .entry
                    .summary_override
                    .clone()
                    .or(c.entry.summary.clone())
                    .unwrap_or_default();
                let full_only =
                    c.incremental_sync == chronos_core::store::IncrementalSync::Unavailable;
                println!(
                    "{} {}  {}  [{}]{}{}",
                    if c.selected { "*" } else { " " },
                    c.entry.id,
                    output::clean(&name),
                    c.entry.access_role.as_deref().unwrap_or("?"),
                    if full_only {
                        "  full sync (the server offers no incremental sync)"
                    } else {
                        ""
                    },
                    if c.account.as_str().is_empty() {
                        String::new()
                    } else {
                        format!("  ({})", c.account)
                    }
                );
            }
            Ok(0)
        }
        Command::Select {
            calendar,
            off,
            account,
        } => {
            let cal = CalendarId::from(calendar.as_str());
            let account = match account {
                Some(a) => AccountId::from(a.as_str()),
                None => {
                    let owners = calendar_arg::owners(&chronos, None, &cal).await?;
                    match owners.as_slice() {
                        [one] => one.clone(),
                        [] => bail!(
                            "no calendar {calendar}; run `chronos-cli calendars` after a sync"
                        ),
                        _ => {
                            bail!("calendar {calendar} belongs to several accounts; pass --account")
                        }
                    }
                }
            };
            chronos.set_calendar_selected(&account, &cal, !off).await?;
            println!(
                "{} {calendar}",
                if *off { "Deselected" } else { "Selected" }
            );
            Ok(0)
        }
        Command::Sync { account } => {
            let account = account.as_deref().map(AccountId::from);
            let reports = output::sync_with_progress(&chronos, account.as_ref()).await?;
            if reports.is_empty() {
                println!("No account connected. Run `chronos-cli connect`.");
            }
            let ok = reports.iter().all(|r| r.outcome == SyncOutcome::Completed);
            Ok(if ok { 0 } else { 2 })
        }
        Command::Status => {
            let accounts = chronos.feed().accounts();
            if accounts.is_empty() {
                println!("No account connected.");
            }
            for view in accounts {
                println!("{}  {}", view.account, output::status_line(&view.status));
            }
            Ok(0)
        }
        Command::Events {
            from,
            to,
            zone,
            account,
            calendar,
            json,
            raw,
        } => {
            let zone = match zone {
                Some(z) => chronos_core::zone::parse_zone(z)?,
                None => chronos_core::zone::system_zone(),
            };
            let from = when::parse_when(from, zone).context("--from")?;
            let to = when::parse_when(to, zone).context("--to")?;
            let account = account.as_deref().map(AccountId::from);
            let calendars = match calendar {
                Some(c) => Some(calendar_refs(&chronos, account.as_ref(), c).await?),
                None => None,
            };
            if !*json {
                eprintln!("Events from {from} to {to}, read in {zone}.");
            }
            let truncated = if *raw {
                let events = chronos
                    .stored_events_in_range(account.as_ref(), calendars, from, to)
                    .await?;
                output::print_events(&events, *json);
                // The process ends after this answer: freeing tens of thousands of events one
                // by one would only delay the exit (the store itself still closes normally).
                std::mem::forget(events);
                Vec::new()
            } else {
                let plan = chronos
                    .range_plan(from, to, zone, account.as_ref(), calendars, Detail::Outline)
                    .await?;
                let mut printer = output::EventPrinter::new(*json);
                plan.for_each(|e| printer.print(e));
                drop(printer);
                let truncated = plan.truncated.clone();
                std::mem::forget(plan);
                truncated
            };
            output::print_truncated(&truncated, *json);
            Ok(if truncated.is_empty() { 0 } else { 4 })
        }
        Command::Add(args) => add::run(&chronos, args).await,
        Command::Search(args) => search::run(&chronos, args).await,
        Command::Trash { json } => trash::list(&chronos, *json).await,
        Command::Restore { id, json } => trash::restore(&chronos, *id, *json).await,
        Command::Health { json } => health::run(&chronos, *json).await,
        Command::Undo { redo, json } => undo::run(&chronos, *redo, *json).await,
        Command::ResetLocal { .. } => unreachable!("handled before the store is opened"),
        Command::Disconnect { account } => {
            chronos
                .disconnect(&AccountId::from(account.as_str()))
                .await?;
            println!("Disconnected {account}: the grant is revoked and its local data deleted.");
            Ok(0)
        }
    }
}

/// `reset-local`: says what would be lost, and wipes only with `yes`. A copy the keyring's key
/// still opens is left alone.
async fn reset_local(options: ChronosOptions, yes: bool) -> Result<i32> {
    match Chronos::open(options.clone()).await {
        Ok(chronos) => {
            chronos.shutdown();
            println!("The local copy opens with the keyring's key: there is nothing to reset.");
            return Ok(0);
        }
        Err(e) if e.kind() == chronos_core::ErrorKind::DataKeyMissing => eprintln!("{e}"),
        Err(e) => return Err(e.into()),
    }
    let preview = Chronos::local_reset_preview(&options).await?;
    println!(
        "A reset loses {} unsent change(s) and {} open conflict(s) for good; {} stored event(s) will be fetched again.",
        preview.unsent_changes_lost, preview.conflicts_lost, preview.events_wiped
    );
    if !yes {
        println!("Nothing was changed. Run `chronos-cli reset-local --yes` to reset.");
        return Ok(3);
    }
    let (chronos, report) = Chronos::open_recovering(options).await?;
    chronos.shutdown();
    println!(
        "Reset: {} unsent change(s) lost; run `chronos-cli sync` to fetch {} event(s) again.",
        report.unsent_changes_lost, report.events_wiped
    );
    Ok(0)
}

/// The calendar `id` as a query target: of `account`, or of the one account that has it.
async fn calendar_refs(
    chronos: &Chronos,
    account: Option<&AccountId>,
    id: &str,
) -> Result<Vec<CalendarRef>> {
    let cal = CalendarId::from(id);
    let owners = calendar_arg::owners(chronos, account, &cal).await?;
    if owners.is_empty() {
        bail!("no calendar {id}; `chronos-cli calendars` lists them (after `chronos-cli sync`)");
    }
    Ok(owners
        .into_iter()
        .map(|account| CalendarRef {
            account,
            calendar: cal.clone(),
        })
        .collect())
}

fn open_browser(url: &str) {
    #[cfg(target_os = "macos")]
    let r = std::process::Command::new("open").arg(url).spawn();
    #[cfg(target_os = "windows")]
    let r = std::process::Command::new("cmd")
        .args(["/C", "start", "", url])
        .spawn();
    #[cfg(all(unix, not(target_os = "macos")))]
    let r = std::process::Command::new("xdg-open").arg(url).spawn();
    if r.is_err() {
        eprintln!("(could not open a browser; open the address above yourself)");
    }
}
