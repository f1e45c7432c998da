//! `gcal-emulator`: serve a demo, generated or fixture world on 127.0.0.1.

use clap::Parser;
use std::time::Duration;

use gcal_emulator::{EmulatorConfig, GenSpec, World};

#[derive(Parser, Debug)]
#[command(
    name = "gcal-emulator",
    about = "A local Google Calendar API v3 + OAuth emulator"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one (printed on stdout).
    #[arg(long, default_value_t = 8089)]
    port: u16,
    /// `demo`, `generated`, or a path to a world JSON fixture.
    #[arg(long, default_value = "demo")]
    world: String,
    /// Seed for a generated world (implies --world generated unless a fixture is given).
    #[arg(long)]
    seed: Option<u64>,
    /// Accounts in a generated world.
    #[arg(long)]
    accounts: Option<usize>,
    /// Calendars per account in a generated world.
    #[arg(long)]
    calendars: Option<usize>,
    /// Events per calendar in a generated world.
    #[arg(long)]
    events: Option<usize>,
    /// The day the demo or generated world is spread around (YYYY-MM-DD); default today.
    #[arg(long)]
    anchor: Option<chrono::NaiveDate>,
    /// Show a consent page (Allow / Deny) instead of approving at once.
    #[arg(long)]
    no_auto_approve: bool,
    /// Allow watch channels with http://127.0.0.1 addresses (test mode).
    #[arg(long)]
    allow_http_push: bool,
    /// Access token lifetime in seconds.
    #[arg(long, default_value_t = 3599)]
    token_ttl: u64,
    /// Write the world as JSON to this file and exit.
    #[arg(long)]
    dump_world: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let generated = args.world == "generated"
        || (args.world == "demo"
            && (args.seed.is_some() || args.calendars.is_some() || args.events.is_some()));
    let world = if generated {
        let d = GenSpec::default();
        World::generate(GenSpec {
            seed: args.seed.unwrap_or(d.seed),
            accounts: args.accounts.unwrap_or(d.accounts),
            calendars_per_account: args.calendars.unwrap_or(d.calendars_per_account),
            events_per_calendar: args.events.unwrap_or(d.events_per_calendar),
            anchor: args.anchor,
            ..d
        })
    } else if args.world == "demo" {
        args.anchor.map_or_else(World::demo, World::demo_around)
    } else {
        let text = match std::fs::read_to_string(&args.world) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read world {}: {e}", args.world);
                std::process::exit(2);
            }
        };
        match World::from_json(&text) {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        }
    };
    if let Some(path) = &args.dump_world {
        if let Err(e) = std::fs::write(path, world.to_json()) {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(2);
        }
        return;
    }
    let accounts: Vec<String> = world.accounts.iter().map(|a| a.email.clone()).collect();
    let config = EmulatorConfig {
        port: args.port,
        world,
        auto_approve: !args.no_auto_approve,
        allow_http_push: args.allow_http_push,
        access_token_ttl: Duration::from_secs(args.token_ttl),
    };
    let emu = match gcal_emulator::start(config).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("listening on {}", emu.base_url());
    println!("api:       {}", emu.api_base());
    println!("authorize: {}", emu.auth_url());
    println!("token:     {}", emu.token_url());
    println!("revoke:    {}", emu.revoke_url());
    println!("userinfo:  {}", emu.userinfo_url());
    println!("control:   {}", emu.control_url());
    println!("client_id: {}", gcal_emulator::DEMO_CLIENT_ID);
    println!("client_secret: {}", gcal_emulator::DEMO_CLIENT_SECRET);
    println!("accounts:  {}", accounts.join(", "));
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    emu.shutdown().await;
}
