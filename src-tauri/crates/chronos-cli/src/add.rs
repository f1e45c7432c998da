//! `chronos-cli add "TEXT"`: quick add from the command line. The line is read by the engine
//! (in the system zone and the locale's date order), shown, and unless `--dry-run` saved and
//! sent to Google at once.

use crate::output::clean;
use anyhow::{bail, Result};
use chrono_tz::Tz;
use chronos_core::model::{AccountId, CalendarId};
use chronos_core::quick_add::{system_date_order, QuickDraft, QuickWhen};
use chronos_core::service::Chronos;
use chronos_core::store::CalendarRef;
use serde_json::json;

#[derive(clap::Args, Debug)]
pub struct AddArgs {
    /// The event in one line, e.g. "Lunch with Ana tomorrow 1pm at Café Nero" or
    /// "Standup every weekday 9:30 /work" (`/name` picks a calendar).
    text: String,
    /// The calendar to add to when the line names none (its id, as `chronos-cli calendars`
    /// lists it); default: the primary calendar.
    #[arg(long)]
    calendar: Option<String>,
    /// The account of --calendar, when several accounts have it.
    #[arg(long)]
    account: Option<String>,
    /// The IANA zone the line is read in (default: $TZ, else the system's zone).
    #[arg(long)]
    zone: Option<String>,
    /// Show what would be added and save nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print the parsed event (and the new event's id) as one JSON object.
    #[arg(long)]
    json: bool,
}

pub async fn run(chronos: &Chronos, args: &AddArgs) -> Result<i32> {
    let zone: Tz = match &args.zone {
        Some(z) => chronos_core::zone::parse_zone(z)?,
        None => chronos_core::zone::system_zone(),
    };
    let draft = chronos
        .preview_quick_add(&args.text, zone, system_date_order())
        .await?;
    let chosen = match &args.calendar {
        Some(id) => Some(chosen_calendar(chronos, args.account.as_deref(), id).await?),
        None => None,
    };
    let target = chronos.quick_add_target(&draft, chosen.as_ref()).await?;
    if args.dry_run {
        if args.json {
            println!(
                "{}",
                json!({"draft": draft, "calendar": target, "dryRun": true})
            );
        } else {
            print_draft(&draft, &target);
            println!("Dry run: nothing was saved.");
        }
        return Ok(0);
    }
    let saved = chronos.create_from_draft(&draft, &target).await?;
    let report = chronos.push_pending_changes(&target.account).await?;
    let sent = report.remaining == 0 && report.failed == 0;
    if args.json {
        println!(
            "{}",
            json!({"draft": draft, "calendar": target, "eventId": saved.event.id, "sent": sent})
        );
    } else {
        print_draft(&draft, &target);
        println!(
            "Added event {}{}",
            saved.event.id,
            if sent {
                "; it is on Google."
            } else {
                "; it is queued and goes to Google with the next sync."
            }
        );
    }
    Ok(0)
}

/// `--calendar ID` as a calendar of `account`, or of the one account that has it.
async fn chosen_calendar(
    chronos: &Chronos,
    account: Option<&str>,
    id: &str,
) -> Result<CalendarRef> {
    let account = account.map(AccountId::from);
    let cal = CalendarId::from(id);
    let owners = crate::calendar_arg::owners(chronos, account.as_ref(), &cal).await?;
    match owners.as_slice() {
        [one] => Ok(CalendarRef {
            account: one.clone(),
            calendar: cal,
        }),
        [] => bail!("no calendar {id}; `chronos-cli calendars` lists them (after a sync)"),
        _ => bail!("calendar {id} belongs to several accounts; pass --account"),
    }
}

fn print_draft(draft: &QuickDraft, target: &CalendarRef) {
    println!("Title:     {}", clean(&draft.title));
    match &draft.when {
        QuickWhen::AllDay { start, end } => {
            let last = end.pred_opt().unwrap_or(*end);
            if last == *start {
                println!("When:      {} (all day)", start.format("%a %Y-%m-%d"));
            } else {
                println!(
                    "When:      {} to {} (all day)",
                    start.format("%a %Y-%m-%d"),
                    last.format("%a %Y-%m-%d")
                );
            }
        }
        QuickWhen::Timed { start, end } => println!(
            "When:      {} to {} ({})",
            start.format("%a %Y-%m-%d %H:%M"),
            end.format(if start.date_naive() == end.date_naive() {
                "%H:%M"
            } else {
                "%a %Y-%m-%d %H:%M"
            }),
            draft.zone.name()
        ),
    }
    if let Some(rule) = &draft.rrule {
        println!("Repeats:   {rule}");
    }
    if let Some(place) = &draft.location {
        println!("Where:     {}", clean(place));
    }
    println!("Calendar:  {} ({})", target.calendar, target.account);
    for a in &draft.ambiguities {
        println!("Check:     {}", clean(&a.message));
    }
}
