// The types that cross the Tauri boundary, in one place.
//
// The Rust shell (src-tauri/) serialises its structs with `#[serde(rename_all = "camelCase")]`
// to exactly these shapes. Optional fields are `?: T | null` because `Option<T>` serialises as
// `null` unless the Rust side adds `skip_serializing_if`; the UI accepts both.
// When these are generated from Rust (ts-rs / specta), this file is the one to replace.

/** ISO 8601 / RFC 3339 timestamp, e.g. "2026-11-25T09:30:00+01:00" or "…Z". */
export type IsoDateTime = string;
/** Calendar date "YYYY-MM-DD" (all-day events, deep links). */
export type IsoDate = string;

// ---------------------------------------------------------------- errors

/** Stable error kinds (mirrors chronos-core `ErrorKind::as_str`). Unknown kinds may appear. */
export type ErrorKind =
  | 'needs_reauth'
  | 'offline'
  | 'rate_limited'
  | 'quota_exceeded'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'keyring_unavailable'
  | 'data_key_missing'
  | 'timeout'
  | 'cancelled'
  | 'full_sync_required'
  | 'server'
  | 'storage'
  | 'internal'
  | (string & {});

/** The one error shape every command rejects with. */
export interface AppError {
  kind: ErrorKind;
  message: string;
  retryable: boolean;
  /** For `invalid_input`: the offending EventInput field ("title", "end", "timeZone", …). */
  field?: string | null;
}

// ---------------------------------------------------------------- app

export interface AppInfo {
  /** True when the app runs against the in-process emulator (`--demo`, or no client id). */
  demo: boolean;
  version: string;
}
/** The demo flag alone (what the banner needs). */
export type DemoInfo = Pick<AppInfo, 'demo'>;

// ---------------------------------------------------------------- accounts & calendars

export type AccountStatus = 'connected' | 'needs_reauth' | 'syncing' | 'error';

export interface AccountView {
  /** The account's email address; it is the account id. */
  id: string;
  status: AccountStatus;
  lastSyncAt?: IsoDateTime | null;
}

/** Google `accessRole` of a calendar list entry. */
export type AccessRole = 'owner' | 'writer' | 'reader' | 'freeBusyReader';

export interface CalendarView {
  accountId: string;
  id: string;
  summary: string;
  /** "#rrggbb" */
  backgroundColor: string;
  /** "#rrggbb" */
  foregroundColor: string;
  accessRole: AccessRole;
  /** Shown in the calendar view (Google's `selected`). */
  selected: boolean;
  primary: boolean;
}

// ---------------------------------------------------------------- events

export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted';

export interface Attendee {
  email: string;
  displayName?: string | null;
  responseStatus?: ResponseStatus | null;
  organizer?: boolean | null;
  self?: boolean | null;
  optional?: boolean | null;
}

export type ReminderMethod = 'popup' | 'email';

export interface ReminderOverride {
  method: ReminderMethod;
  minutes: number;
}

export interface Reminders {
  /** Use the calendar's default reminders (then `overrides` is empty). */
  useDefault: boolean;
  overrides?: ReminderOverride[] | null;
}

/**
 * One event instance as the UI shows it.
 * Timed events: `start`/`end` are RFC 3339 date-times. All-day events: `allDay` is true and
 * `start`/`end` are "YYYY-MM-DD" with `end` exclusive (Google's convention).
 */
export interface EventView {
  accountId: string;
  calendarId: string;
  id: string;
  title: string;
  /** Plain text or HTML from Google; the UI sanitises before rendering. */
  description?: string | null;
  location?: string | null;
  start: IsoDateTime | IsoDate;
  end: IsoDateTime | IsoDate;
  allDay: boolean;
  /** IANA zone the event was created in (Google `start.timeZone`). */
  timeZone?: string | null;
  /** Google event colour id "1".."11"; absent = the calendar's colour. */
  colorId?: string | null;
  /** Resolved background colour "#rrggbb" (from colors.get for colorId, else the calendar's). */
  color?: string | null;
  /** Set on instances of a recurring series. */
  recurringEventId?: string | null;
  attendees?: Attendee[] | null;
  reminders?: Reminders | null;
  /** A local change not yet confirmed by Google. */
  pending: boolean;
  /** A conflict record exists for this event. */
  conflict: boolean;
  /** The calendar's accessRole forbids edits (reader / freeBusyReader). */
  readOnly: boolean;
}

/** Who Google notifies about an edit to an event with attendees. */
export type SendUpdates = 'all' | 'externalOnly' | 'none';
/** Which occurrences of a recurring series an edit or deletion applies to. */
export type EditScope = 'this' | 'thisAndFollowing' | 'all';

/** Fields of an event to create, or the new values for an update. */
export interface EventInput {
  accountId: string;
  calendarId: string;
  title: string;
  description?: string | null;
  location?: string | null;
  /** Same conventions as EventView.start/end. */
  start: IsoDateTime | IsoDate;
  end: IsoDateTime | IsoDate;
  allDay: boolean;
  timeZone?: string | null;
  colorId?: string | null;
  attendees?: Attendee[] | null;
  reminders?: Reminders | null;
}

/** A time window for `events_in_range`: [from, to). */
export interface Range {
  from: IsoDateTime;
  to: IsoDateTime;
}

/** Google's event palette entry (colors.get → event). */
export interface ColorDefinition {
  background: string;
  foreground: string;
}

// ---------------------------------------------------------------- sync

export type SyncState = 'idle' | 'syncing' | 'up_to_date' | 'error' | 'needs_reauth';

export type CalendarSyncState = 'waiting' | 'running' | 'done' | 'failed';

export interface CalendarProgress {
  calendarId: string;
  summary: string;
  eventsFetched: number;
  pages: number;
  state: CalendarSyncState;
  error?: AppError | null;
}

/** Payload of `sync://progress`, also `SyncStatus.progress` while syncing. */
export interface SyncProgress {
  accountId: string;
  calendarsTotal: number;
  calendarsDone: number;
  eventsFetched: number;
  calendars: CalendarProgress[];
}

/** Per account; `sync_status` returns one per account, `sync://status` carries one. */
export interface SyncStatus {
  accountId: string;
  state: SyncState;
  lastSyncAt?: IsoDateTime | null;
  error?: AppError | null;
  /** Outbox entries not yet on the server (pending + pushing + failed). */
  pendingChanges: number;
  progress?: SyncProgress | null;
}

/** Payload of `sync://finished`: what one run did. */
export interface SyncFinished {
  accountId: string;
  /** Events fetched in this run. */
  events: number;
  /** Calendars synced in this run. */
  calendars: number;
  added: number;
  updated: number;
  deleted: number;
  durationMs: number;
}

// ---------------------------------------------------------------- outbox & conflicts

export type ChangeOp = 'create' | 'update' | 'delete' | 'move';
export type ChangeState = 'pending' | 'pushing' | 'failed' | 'conflict';

export interface PendingChange {
  /** Outbox entry id. */
  id: string;
  accountId: string;
  calendarId: string;
  eventId: string;
  op: ChangeOp;
  state: ChangeState;
  error?: AppError | null;
  title?: string | null;
}

export interface ConflictField {
  /** EventInput field name: "title", "start", "end", "description", "location", … */
  name: string;
  /** The local value as display text (null = empty / removed). */
  local: string | null;
  /** The server's value as display text (null = empty / removed). */
  server: string | null;
}

export type ConflictKind = 'both_changed' | 'deleted_on_server' | 'deleted_locally';

export interface Conflict {
  id: string;
  accountId: string;
  calendarId: string;
  eventId: string;
  kind?: ConflictKind | null;
  title?: string | null;
  fields: ConflictField[];
}

/** How to resolve a conflict (serde: `#[serde(tag = "kind", rename_all = "snake_case")]`). */
export type ConflictResolution =
  | { kind: 'keep_mine' }
  | { kind: 'keep_theirs' }
  | { kind: 'reapply_field'; field: string };

// ---------------------------------------------------------------- events emitted by the shell

/** Payload of `outbox://changed`. */
export interface OutboxChanged {
  accountId: string;
  pendingChanges: number;
  conflicts: number;
}

/** Payload of `events://changed`: the UI refetches its visible range. */
export interface EventsChanged {
  accountId: string;
  /** Calendars whose events changed; empty = possibly all. */
  calendarIds: string[];
}

/** Payload of `navigate://date` (from the `chronos://open?date=YYYY-MM-DD` deep link). */
export interface NavigateDate {
  date: IsoDate;
}

// ---------------------------------------------------------------- settings

/** The zone the Google account uses (`settings` → `timezone`). */
export interface AccountTimeZone {
  accountId: string;
  timeZone: string;
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface Settings {
  syncIntervalMinutes: number;
  closeToTray: boolean;
  launchAtLogin: boolean;
  /** IANA zone; null/absent = the system's zone. */
  displayTimeZone?: string | null;
  /** Show times in the Google account's own zone (then displayTimeZone / the system's while unknown). */
  followAccountTimeZone?: boolean;
  /** Public HTTPS address for push notifications (events.watch); null = polling only. */
  pushAddress?: string | null;
  logLevel: LogLevel;
}
