//! The TypeScript types of everything that crosses the IPC boundary are generated from the Rust
//! types (ts-rs) into `ui/src/api/generated/bindings.ts`. This test fails when that file is
//! stale; `UPDATE_TS_BINDINGS=1 cargo test -p chronos --test ts_bindings` rewrites it.

use chronos_app::commands::app;
use chronos_app::{error, events, settings};
use chronos_core::view;
use ts_rs::TS;

/// String unions the fields above refer to (`#[ts(type = "…")]`), read from the Rust values
/// where Chronos defines them, so a new kind or scope reaches the page's types.
fn unions() -> Vec<(&'static str, &'static str, Vec<String>)> {
    use chronos_core::outbox::{edit::Notify, ChangeState, EditScope};
    use chronos_core::store::ConflictKind;
    use chronos_core::ErrorKind;
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let serialised = |v: serde_json::Value| v.as_str().unwrap().to_owned();
    vec![
        (
            "ErrorKind",
            "What went wrong, stable for the page to switch on (chronos-core `ErrorKind`).",
            ErrorKind::ALL
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
        ),
        (
            "ConflictKind",
            "Why a conflict record exists (chronos-core `store::ConflictKind`).",
            ConflictKind::ALL
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
        ),
        (
            "ChangeOp",
            "What a pending change does.",
            view::ChangeOp::ALL
                .iter()
                .map(|op| serialised(serde_json::to_value(op).unwrap()))
                .collect(),
        ),
        (
            "ChangeState",
            "Where a pending change stands.",
            ChangeState::ALL
                .iter()
                .map(|s| serialised(serde_json::to_value(s).unwrap()))
                .collect(),
        ),
        (
            "EditScope",
            "Which occurrences of a recurring series an edit or deletion applies to.",
            EditScope::ALL
                .iter()
                .map(|s| serialised(serde_json::to_value(s).unwrap()))
                .collect(),
        ),
        (
            "SendUpdates",
            "Who Google notifies about an edit to an event with guests.",
            Notify::ALL.iter().map(|n| n.as_str().to_owned()).collect(),
        ),
        // Google's own vocabularies (Calendar API v3 reference: CalendarList, Events).
        (
            "AccessRole",
            "A calendar's `accessRole` in Google.",
            owned(&["owner", "writer", "reader", "freeBusyReader"]),
        ),
        (
            "ResponseStatus",
            "A guest's answer in Google.",
            owned(&["needsAction", "declined", "tentative", "accepted"]),
        ),
        (
            "ReminderMethod",
            "How Google reminds.",
            owned(&["popup", "email"]),
        ),
    ]
}

fn bindings() -> String {
    let decls = [
        error::AppError::decl(),
        app::AppInfo::decl(),
        view::LocalReset::decl(),
        settings::LogLevel::decl(),
        chronos_core::sync::guard::MassDeletionGuard::decl(),
        settings::Theme::decl(),
        chronos_core::locale::HourCycle::decl(),
        chronos_core::locale::WeekStart::decl(),
        chronos_core::locale::ResolvedLocale::decl(),
        settings::Settings::decl(),
        chronos_core::settings::AccountTimeZone::decl(),
        chronos_core::ui_state::CalendarMode::decl(),
        chronos_core::ui_state::LastView::decl(),
        view::AccountState::decl(),
        view::AccountListItem::decl(),
        view::CalendarView::decl(),
        view::TruncatedSeriesView::decl(),
        view::EventsInRange::decl(),
        view::DayMore::decl(),
        view::MonthView::decl(),
        chronos_core::google::ColorDefinition::decl(),
        view::AttendeeView::decl(),
        view::ReminderOverride::decl(),
        view::Reminders::decl(),
        view::EditableView::decl(),
        view::ConferenceView::decl(),
        view::AttachmentView::decl(),
        view::WorkPlaceView::decl(),
        view::AutoDeclineView::decl(),
        view::EventKindView::decl(),
        view::EventView::decl(),
        view::SearchHitView::decl(),
        view::SearchResultsView::decl(),
        chronos_core::quick_add::QuickCalendar::decl(),
        chronos_core::quick_add::QuickWhen::decl(),
        chronos_core::quick_add::AmbiguityKind::decl(),
        chronos_core::quick_add::Ambiguity::decl(),
        chronos_core::quick_add::QuickDraft::decl(),
        view::QuickAddTarget::decl(),
        view::QuickAddPreview::decl(),
        view::EventInput::decl(),
        view::HealthError::decl(),
        view::PushState::decl(),
        view::CalendarHealthView::decl(),
        view::MassDeletionView::decl(),
        view::MassDeletionFound::decl(),
        view::RestoreAllReport::decl(),
        view::TrashEntryView::decl(),
        view::UndoStatusView::decl(),
        view::UndoResultView::decl(),
        view::PendingChangeView::decl(),
        view::ConflictFieldView::decl(),
        view::ConflictView::decl(),
        view::ResolutionInput::decl(),
        chronos_core::feed::CalendarRunState::decl(),
        events::CalendarProgress::decl(),
        events::SyncProgress::decl(),
        events::SyncState::decl(),
        events::SyncStatus::decl(),
        events::SyncFinished::decl(),
        events::OutboxChanged::decl(),
        events::EventsChanged::decl(),
        events::NavigateDate::decl(),
        events::QuickAddRequested::decl(),
        events::PendingPage::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust shell (src-tauri/src) by ts-rs. Do not edit: run\n\
         // `UPDATE_TS_BINDINGS=1 cargo test -p chronos --test ts_bindings` after changing a type.\n\n",
    );
    for (name, doc, values) in unions() {
        let values: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
        out.push_str(&format!(
            "/** {doc} */\nexport type {name} = {};\n\n",
            values.join(" | ")
        ));
    }
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str("/** Event names the shell emits, with their payloads. */\nexport interface ShellEvents {\n");
    for (name, ty) in [
        (
            <events::SyncProgress as events::UiEvent>::NAME,
            "SyncProgress",
        ),
        (<events::SyncStatus as events::UiEvent>::NAME, "SyncStatus"),
        (
            <events::SyncFinished as events::UiEvent>::NAME,
            "SyncFinished",
        ),
        (
            <events::OutboxChanged as events::UiEvent>::NAME,
            "OutboxChanged",
        ),
        (
            <events::EventsChanged as events::UiEvent>::NAME,
            "EventsChanged",
        ),
        (
            <view::MassDeletionFound as events::UiEvent>::NAME,
            "MassDeletionFound",
        ),
        (
            <events::NavigateDate as events::UiEvent>::NAME,
            "NavigateDate",
        ),
        (
            <events::QuickAddRequested as events::UiEvent>::NAME,
            "QuickAddRequested",
        ),
    ] {
        out.push_str(&format!("  '{name}': {ty};\n"));
    }
    out.push_str("}\n");
    out
}

#[test]
fn generated_typescript_is_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/api/generated/bindings.ts");
    let wanted = bindings();
    if std::env::var_os("UPDATE_TS_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &wanted).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == wanted,
        "{} is stale: run `UPDATE_TS_BINDINGS=1 cargo test -p chronos --test ts_bindings`",
        path.display()
    );
}
