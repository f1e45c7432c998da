// Generated from the Rust shell (src-tauri/src) by ts-rs. Do not edit: run
// `UPDATE_TS_BINDINGS=1 cargo test -p chronos --test ts_bindings` after changing a type.

/** What went wrong, stable for the page to switch on (chronos-core `ErrorKind`). */
export type ErrorKind = "needs_reauth" | "offline" | "rate_limited" | "quota_exceeded" | "forbidden" | "not_found" | "conflict" | "invalid_input" | "keyring_unavailable" | "data_key_missing" | "timeout" | "cancelled" | "full_sync_required" | "server" | "storage" | "internal";

/** Why a conflict record exists (chronos-core `store::ConflictKind`). */
export type ConflictKind = "both_changed" | "deleted_on_server" | "server_edited_deleted_locally";

/** What a pending change does. */
export type ChangeOp = "create" | "update" | "delete" | "move";

/** Where a pending change stands. */
export type ChangeState = "pending" | "pushing" | "failed" | "conflict";

/** Which occurrences of a recurring series an edit or deletion applies to. */
export type EditScope = "this" | "thisAndFollowing" | "all";

/** Who Google notifies about an edit to an event with guests. */
export type SendUpdates = "all" | "externalOnly" | "none";

/** A calendar's `accessRole` in Google. */
export type AccessRole = "owner" | "writer" | "reader" | "freeBusyReader";

/** A guest's answer in Google. */
export type ResponseStatus = "needsAction" | "declined" | "tentative" | "accepted";

/** How Google reminds. */
export type ReminderMethod = "popup" | "email";

export type AppError = { kind: ErrorKind, message: string, retryable: boolean, 
/**
 * For `invalid_input`: the offending input field ("title", "end", "syncIntervalMinutes", …).
 */
field?: string, };

export type AppInfo = { 
/**
 * True when the app runs against the in-process emulator (`--demo`, or no client id).
 */
demo: boolean, version: string, 
/**
 * Why the engine could not start (a locked keyring, a lost data key), for the page to
 * explain and — for a lost key — to offer the reset.
 */
startupError: AppError | null, };

export type LocalReset = { unsentChanges: number, conflicts: number, events: number, };

export type LogLevel = "error" | "warn" | "info" | "debug" | "trace";

export type MassDeletionGuard = { 
/**
 * More removals than this in one sync of one calendar always count.
 */
maxEvents: number, 
/**
 * More than this share (in percent) of a calendar's events counts…
 */
maxPercent: number, 
/**
 * …when the calendar held at least this many before the sync.
 */
minCalendarEvents: number, };

export type Theme = "system" | "light" | "dark";

export type HourCycle = "auto" | "h12" | "h24";

export type WeekStart = "auto" | "sunday" | "monday" | "saturday";

export type ResolvedLocale = { 
/**
 * A BCP 47 tag such as "de-DE".
 */
tag: string, hour12: boolean, 
/**
 * 0 = Sunday, 1 = Monday, 6 = Saturday (as FullCalendar and JavaScript count).
 */
firstDay: number, };

export type Settings = { syncIntervalMinutes: number, closeToTray: boolean, launchAtLogin: boolean, 
/**
 * IANA zone; `None` = the system's zone.
 */
displayTimeZone: string | null, 
/**
 * Show times in the Google account's own zone (`settings` → `timezone` of the first
 * connected account) instead; `display_time_zone`, then the system's, stand in while it is
 * unknown.
 */
followAccountTimeZone: boolean, 
/**
 * Public HTTPS address for push notifications; `None` = polling only.
 */
pushAddress: string | null, logLevel: LogLevel, 
/**
 * Days the trash keeps a deleted event.
 */
trashRetentionDays: number, 
/**
 * When one sync's removals in a calendar are shown as a mass deletion.
 */
massDeletion: MassDeletionGuard, theme: Theme, 
/**
 * A BCP 47 tag for dates and times ("en-GB"); `None` = the system's.
 */
locale: string | null, hourCycle: HourCycle, weekStart: WeekStart, };

export type AccountTimeZone = { accountId: string, 
/**
 * IANA name, e.g. "Asia/Kolkata".
 */
timeZone: string, };

export type CalendarMode = "month" | "week" | "day" | "agenda";

export type LastView = { view: CalendarMode, 
/**
 * "YYYY-MM-DD".
 */
date: string, };

export type AccountState = "connected" | "needs_reauth" | "syncing" | "error";

export type AccountView = { 
/**
 * The account's email address; it is the account id.
 */
id: string, status: AccountState, lastSyncAt: string | null, };

export type CalendarView = { accountId: string, id: string, summary: string, backgroundColor: string, foregroundColor: string, accessRole: AccessRole, selected: boolean, primary: boolean, 
/**
 * `false`: the calendar's server gives no sync token, so every sync lists it in full and
 * the minute check leaves it alone (a state to show, not an error).
 */
incrementalSync: boolean, 
/**
 * The colours shown were chosen here and are not on Google yet (the next sync sends them).
 */
colorsPending: boolean, };

export type TruncatedSeriesView = { accountId: string, calendarId: string, seriesId: string, limit: "series_occurrences" | "series_steps" | "query_occurrences" | "query_steps", max: number, };

export type EventsInRange = { events: Array<EventView>, truncated: Array<TruncatedSeriesView>, };

export type DayMore = { 
/**
 * The date in the zone the grid is shown in (`YYYY-MM-DD`).
 */
date: string, 
/**
 * Events covering that day that the grid does not show.
 */
hidden: number, };

export type MonthView = { 
/**
 * The events kept on some day, each once and whole (a bar over several days included).
 */
events: Array<EventView>, 
/**
 * The days with events left out, and how many (days with none are not listed).
 */
more: Array<DayMore>, 
/**
 * Series a limit cut short (as in `events_in_range`).
 */
truncated: Array<TruncatedSeriesView>, };

export type ColorDefinition = { background: string, foreground: string, };

export type AttendeeView = { email: string, displayName?: string | null, responseStatus?: ResponseStatus | null, organizer?: boolean | null, self?: boolean | null, optional?: boolean | null, };

export type ReminderOverride = { method: ReminderMethod, minutes: number, };

export type Reminders = { useDefault: boolean, overrides?: Array<ReminderOverride> | null, };

export type EditableView = { title: boolean, description: boolean, location: boolean, time: boolean, guests: boolean, reminders: boolean, color: boolean, };

export type ConferenceView = { 
/**
 * An `https` address to join by video.
 */
joinUrl: string | null, solution: string | null, 
/**
 * A Meet link was asked for and has not come yet.
 */
pending: boolean, failed: boolean, };

export type AttachmentView = { title: string, fileUrl: string, };

export type WorkPlaceView = { kind: "home" | "office" | "custom", label: string | null, };

export type AutoDeclineView = { 
/**
 * Google's `autoDeclineMode`.
 */
mode: string, message: string | null, };

export type EventKindView = { 
/**
 * Google's `eventType` (`default`, `birthday`, `fromGmail`, `focusTime`, `outOfOffice`,
 * `workingLocation`, or a newer one Chronos shows read-only).
 */
eventType: string, editable: EditableView, 
/**
 * Why some fields cannot be changed (none when the calendar is read-only: that says it).
 */
lockedReason: string | null, canMove: boolean, canDelete: boolean, conference: ConferenceView | null, 
/**
 * The calendar offers Meet and the event has no conference yet.
 */
canAddMeet: boolean, attachments: Array<AttachmentView>, workPlace: WorkPlaceView | null, autoDecline: AutoDeclineView | null, };

export type EventView = { accountId: string, calendarId: string, id: string, title: string, 
/**
 * As Google has it (plain text or HTML); the UI sanitises before showing it.
 */
description: string | null, location: string | null, start: string, end: string, allDay: boolean, timeZone: string | null, colorId: string | null, color: string | null, recurringEventId: string | null, attendees: Array<AttendeeView> | null, reminders: Reminders | null, pending: boolean, conflict: boolean, readOnly: boolean, 
/**
 * Google's `eventType` (`default`, `birthday`, `fromGmail`, `focusTime`, `outOfOffice`,
 * `workingLocation`, or a newer one Chronos shows read-only).
 */
eventType: string, editable: EditableView, 
/**
 * Why some fields cannot be changed (none when the calendar is read-only: that says it).
 */
lockedReason: string | null, canMove: boolean, canDelete: boolean, conference: ConferenceView | null, 
/**
 * The calendar offers Meet and the event has no conference yet.
 */
canAddMeet: boolean, attachments: Array<AttachmentView>, workPlace: WorkPlaceView | null, autoDecline: AutoDeclineView | null, };

export type SearchHitView = { accountId: string, calendarId: string, eventId: string, seriesId: string | null, title: string, 
/**
 * `YYYY-MM-DD` for all-day events, else an RFC 3339 instant; an all-day end is the day after.
 */
start: string, end: string, allDay: boolean, color: string | null, };

export type SearchResultsView = { hits: Array<SearchHitView>, total: number, };

export type QuickCalendar = { account: string, id: string, 
/**
 * The name the user sees (their own name for it, else Google's).
 */
name: string, };

export type QuickWhen = { "kind": "allDay", start: string, end: string, } | { "kind": "timed", start: string, end: string, };

export type AmbiguityKind = "numericDate" | "weekdayIsToday" | "nextWeekday" | "timeWithoutMeridiem" | "timePassed" | "defaultTime" | "durationWithoutTime" | "noDate" | "clockChange" | "unknownCalendar" | "ambiguousCalendar";

export type Ambiguity = { kind: AmbiguityKind, 
/**
 * The words it is about, as typed.
 */
text: string, 
/**
 * What was chosen and what else it could mean, for a person.
 */
message: string, };

export type QuickDraft = { 
/**
 * The words that are not a date, time, repetition, zone, calendar or place, in order.
 */
title: string, when: QuickWhen, 
/**
 * The event's zone: the one the line names, else the user's.
 */
zone: string, 
/**
 * An RFC 5545 rule without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=MO`.
 */
rrule: string | null, 
/**
 * The calendar `/name` picked.
 */
calendar: QuickCalendar | null, location: string | null, ambiguities: Array<Ambiguity>, };

export type QuickAddTarget = { accountId: string, calendarId: string, name: string, };

export type QuickAddPreview = { draft: QuickDraft, target: QuickAddTarget | null, problem: string | null, };

export type EventInput = { accountId: string, calendarId: string, title: string, description?: string | null, location?: string | null, start: string, end: string, allDay: boolean, timeZone?: string | null, colorId?: string | null, attendees?: Array<AttendeeView> | null, reminders?: Reminders | null, 
/**
 * Ask Google for a Meet link (where the calendar offers Meet).
 */
addMeet?: boolean | null, };

export type HealthError = { 
/**
 * An `ErrorKind` word (`network`, `server`, `needs_reauth`, …).
 */
kind: string, message: string, 
/**
 * RFC 3339.
 */
at: string, 
/**
 * The calendar's last sync failed with it (else a later sync succeeded).
 */
current: boolean, };

export type PushState = "none" | "active" | "expired";

export type CalendarHealthView = { accountId: string, calendarId: string, name: string, backgroundColor: string, 
/**
 * RFC 3339: the end of the last sync that completed (full or incremental).
 */
lastSuccess: string | null, lastError: HealthError | null, eventsStored: number, pendingChanges: number, 
/**
 * `false`: Google gives this calendar no sync token; every sync lists it in full.
 */
incremental: boolean, 
/**
 * Full re-syncs Google forced (410) in the last 30 days.
 */
resyncsAfterGone: number, push: PushState, 
/**
 * RFC 3339, with an active or expired channel.
 */
pushExpires: string | null, 
/**
 * A full sync is under way or was interrupted (the next sync continues it).
 */
fullSyncInProgress: boolean, };

export type MassDeletionView = { 
/**
 * The journal entry's id (as text: ids cross to the page as strings).
 */
id: string, accountId: string, calendarId: string, calendarName: string, 
/**
 * How many events the sync removed.
 */
count: number, 
/**
 * How many of them are still in the trash (not restored yet).
 */
restorable: number, 
/**
 * RFC 3339.
 */
at: string, };

export type MassDeletionFound = { accountId: string, calendarId: string, count: number, };

export type RestoreAllReport = { 
/**
 * Restores queued (each goes to Google through the outbox).
 */
queued: number, 
/**
 * Entries that could not be queued, with why.
 */
failed: Array<string>, };

export type TrashEntryView = { 
/**
 * The entry's id (as text).
 */
id: string, accountId: string, calendarId: string, calendarName: string, title: string, 
/**
 * The event's start as Google wrote it: a date (all day) or an RFC 3339 time.
 */
start: string | null, allDay: boolean, 
/**
 * `deleted_here`, `deleted_on_google`, `gone_in_full_sync`, `moved_to_unsynced_calendar`.
 */
reason: string, 
/**
 * `trashed`, `restoring`, `restored`, `restored_as_copy`.
 */
state: string, 
/**
 * RFC 3339.
 */
trashedAt: string, 
/**
 * Who organised the event, when known (Google does not say who deleted it).
 */
organizer: string | null, 
/**
 * What a restore as a copy could not bring back, in words.
 */
notRestored: Array<string>, };

export type UndoStatusView = { undo: string | null, redo: string | null, };

export type UndoResultView = { 
/**
 * "Deleted “Lunch”".
 */
label: string, redone: boolean, 
/**
 * Fields changed elsewhere since, left as they are (`title`, `start`, …).
 */
kept: Array<string>, };

export type PendingChangeView = { id: string, accountId: string, calendarId: string, eventId: string, op: ChangeOp, state: ChangeState, error: AppError | null, title: string | null, };

export type ConflictFieldView = { name: string, local: string | null, server: string | null, };

export type ConflictView = { id: string, accountId: string, calendarId: string, eventId: string, kind: ConflictKind, title: string | null, fields: Array<ConflictFieldView>, };

export type ResolutionInput = { "kind": "keep_mine" } | { "kind": "keep_theirs" } | { "kind": "reapply_field", field: string, };

export type CalendarSyncState = "waiting" | "running" | "done" | "failed";

export type CalendarProgress = { calendarId: string, summary: string, eventsFetched: number, pages: number, state: CalendarSyncState, error: AppError | null, };

export type SyncProgress = { accountId: string, calendarsTotal: number, calendarsDone: number, eventsFetched: number, calendars: Array<CalendarProgress>, };

export type SyncState = "idle" | "syncing" | "up_to_date" | "error" | "needs_reauth";

export type SyncStatus = { accountId: string, state: SyncState, lastSyncAt: string | null, error: AppError | null, pendingChanges: number, progress: SyncProgress | null, };

export type SyncFinished = { accountId: string, events: number, calendars: number, added: number, updated: number, deleted: number, durationMs: number, };

export type OutboxChanged = { accountId: string, pendingChanges: number, conflicts: number, };

export type EventsChanged = { accountId: string, calendarIds: Array<string>, };

export type NavigateDate = { date: string, };

export type QuickAddRequested = Record<string, never>;

export type PendingPage = { date: string | null, quickAdd: boolean, };

/** Event names the shell emits, with their payloads. */
export interface ShellEvents {
  'sync://progress': SyncProgress;
  'sync://status': SyncStatus;
  'sync://finished': SyncFinished;
  'outbox://changed': OutboxChanged;
  'events://changed': EventsChanged;
  'health://mass-deletion': MassDeletionFound;
  'navigate://date': NavigateDate;
  'quickadd://open': QuickAddRequested;
}
