// The types that cross the Tauri boundary. They are generated from the Rust shell's own types
// (ts-rs → ./generated/bindings.ts, checked for staleness by `cargo test --test ts_bindings`),
// so a field renamed or added in Rust fails this UI's type check instead of drifting. This file
// only gives some of them the names the UI uses and adds the few types that never cross.

export type {
  AccessRole,
  AccountTimeZone,
  AccountView,
  AppError,
  AppInfo,
  CalendarHealthView as CalendarHealth,
  CalendarProgress,
  CalendarSyncState,
  CalendarView,
  ChangeOp,
  ChangeState,
  ColorDefinition,
  ConflictKind,
  EditScope,
  ErrorKind,
  EventInput,
  EventsChanged,
  EventsInRange,
  DayMore,
  MonthView,
  EventView,
  LastView,
  LocalReset,
  LogLevel,
  MassDeletionGuard,
  MassDeletionView as MassDeletion,
  HealthError,
  PushState,
  RestoreAllReport,
  TrashEntryView as TrashEntry,
  UndoResultView,
  UndoStatusView,
  Theme,
  HourCycle,
  WeekStart,
  ResolvedLocale,
  NavigateDate,
  PendingPage,
  OutboxChanged,
  Ambiguity,
  QuickAddPreview,
  QuickAddTarget,
  QuickDraft,
  QuickWhen,
  SearchHitView as SearchHit,
  SearchResultsView as SearchResults,
  ReminderMethod,
  ReminderOverride,
  Reminders,
  ResponseStatus,
  SendUpdates,
  Settings,
  ShellEvents,
  SyncFinished,
  SyncProgress,
  SyncState,
  SyncStatus,
  TruncatedSeriesView,
} from './generated/bindings';

import type {
  AccountState,
  AppInfo,
  AttendeeView,
  ConflictFieldView,
  ConflictView,
  PendingChangeView,
  ResolutionInput,
} from './generated/bindings';

/** ISO 8601 / RFC 3339 timestamp, e.g. "2026-11-25T09:30:00+01:00" or "…Z". */
export type IsoDateTime = string;
/** Calendar date "YYYY-MM-DD" (all-day events, deep links). */
export type IsoDate = string;

/** The demo flag alone (what the banner needs). */
export type DemoInfo = Pick<AppInfo, 'demo'>;

export type AccountStatus = AccountState;
export type Attendee = AttendeeView;
/** One outbox entry not yet on Google. */
export type PendingChange = PendingChangeView;
/** One field of a conflict; values are display text (null = empty / removed). */
export type ConflictField = ConflictFieldView;
export type Conflict = ConflictView;
/** How to resolve a conflict. */
export type ConflictResolution = ResolutionInput;

/** A time window for `events_in_range`: [from, to). */
export interface Range {
  from: IsoDateTime;
  to: IsoDateTime;
}
