// Typed wrappers around the shell's commands. Command names and argument keys are the contract:
// Tauri maps the camelCase argument keys below to the snake_case parameters of the Rust
// `#[tauri::command]` functions (e.g. `accountId` → `account_id`).
// Every wrapper rejects with an `AppError` (see `toAppError`).

import { invoke } from '@tauri-apps/api/core';
import type {
  AccountView,
  AppError,
  AppInfo,
  CalendarHealth,
  CalendarView,
  ColorDefinition,
  Conflict,
  ConflictResolution,
  EditScope,
  ErrorKind,
  EventInput,
  EventsInRange,
  MonthView,
  EventView,
  LastView,
  LocalReset,
  MassDeletion,
  RestoreAllReport,
  TrashEntry,
  UndoResultView,
  UndoStatusView,
  PendingPage,
  PendingChange,
  QuickAddPreview,
  SearchResults,
  SendUpdates,
  ResolvedLocale,
  Settings,
  AccountTimeZone,
  SyncStatus,
} from './types';

/** Turns whatever a rejected invoke carries into an AppError. */
export function toAppError(e: unknown): AppError {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const o = e as Record<string, unknown>;
    return {
      // The shell's AppError: its kind is one of ErrorKind.
      kind: String(o.kind) as ErrorKind,
      message: String(o.message),
      retryable: Boolean(o.retryable),
      ...(typeof o.field === 'string' ? { field: o.field } : {}),
    };
  }
  // Tauri itself rejects with a string (unknown command, bad arguments, a panic).
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return { kind: 'internal', message, retryable: false };
}

export function isAppError(e: unknown): e is AppError {
  return !!e && typeof e === 'object' && 'kind' in e && 'message' in e && 'retryable' in e;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

// ---------------------------------------------------------------- app

export const appInfo = () => call<AppInfo>('app_info');
/** The day a chronos://open link asked for before the page listened, once (null after). */
export const takePendingNavigation = () => call<PendingPage | null>('take_pending_navigation');
/** Tells the shell the first month is on screen with its events (for the launch benchmark). */
export const firstMonthShown = (events: number) => call<null>('first_month_shown', { events });
/** How long search results took to be painted after the keystroke that asked for them. */
export const searchShown = (ms: number, hits: number) => call<null>('search_shown', { ms, hits });
export const openLogsFolder = () => call<void>('open_logs_folder');
/** Opens an http(s)/mailto link in the system browser (the shell validates the scheme). */
export const openLink = (url: string) => call<void>('open_link', { url });
/** After a lost data key: what resetting the local copy would lose (nothing changes). */
export const localResetPreview = () => call<LocalReset>('local_reset_preview');
/** Wipes the unreadable local copy (only with `confirm`); the app then starts again. */
export const resetLocalCopy = (confirm: boolean) => call<LocalReset>('reset_local_copy', { confirm });

// ---------------------------------------------------------------- accounts

export const listAccounts = () => call<AccountView[]>('list_accounts');
/** Runs the sign-in flow (system browser, or auto-approve in demo mode); resolves when done. */
export const connectAccount = () => call<AccountView>('connect_account');
export const reconnectAccount = (accountId: string) =>
  call<AccountView>('reconnect_account', { accountId });
export const disconnectAccount = (accountId: string) =>
  call<void>('disconnect_account', { accountId });

// ---------------------------------------------------------------- calendars

/** All calendars of all accounts, or of one account. */
export const listCalendars = (accountId?: string) =>
  call<CalendarView[]>('list_calendars', accountId ? { accountId } : {});
export const setCalendarSelected = (accountId: string, calendarId: string, selected: boolean) =>
  call<void>('set_calendar_selected', { accountId, calendarId, selected });
export const setCalendarColor = (
  accountId: string,
  calendarId: string,
  backgroundColor: string,
  foregroundColor: string,
) => call<CalendarView>('set_calendar_color', { accountId, calendarId, backgroundColor, foregroundColor });
/** Google's event palette for an account (colors.get → event), keyed by colorId. */
export const eventColors = (accountId: string) =>
  call<Record<string, ColorDefinition>>('event_colors', { accountId });

// ---------------------------------------------------------------- events

/** Events of the selected calendars overlapping [from, to) (RFC 3339), and the recurring series
 * an expansion limit cut short (`truncated`, empty when the answer is whole). */
export const eventsInRange = (from: string, to: string) =>
  call<EventsInRange>('events_in_range', { from, to });
/** A month grid of [from, to) (RFC 3339): at most `perDay` events a day, in the grid's order,
 * and per day how many more there are (`more`, days with none left out). */
export const monthView = (from: string, to: string, perDay: number) =>
  call<MonthView>('month_view', { from, to, perDay });
export const createEvent = (input: EventInput) => call<EventView>('create_event', { input });

// ---------------------------------------------------------------- find and capture
export const searchEvents = (query: string, limit: number) => call<SearchResults>('search_events', { query, limit });

export const quickAddPreview = (text: string, accountId: string | null, calendarId: string | null) =>
  call<QuickAddPreview>('quick_add_preview', { text, accountId, calendarId });

/** The day `text` names when it is only a date ("next friday"), read by the core; else null. */
export const readDate = (text: string) => call<string | null>('read_date', { text });

export const quickAdd = (text: string, accountId: string | null, calendarId: string | null) =>
  call<EventView>('quick_add', { text, accountId, calendarId });
/** Replaces the event's editable fields with `input`; the core sends only what changed. For an
 * occurrence of a recurring series `scope` says which occurrences change (the shell's default is
 * this one). */
export const updateEvent = (
  accountId: string,
  calendarId: string,
  eventId: string,
  input: EventInput,
  sendUpdates?: SendUpdates,
  scope?: EditScope,
) =>
  call<EventView>('update_event', {
    accountId,
    calendarId,
    eventId,
    input,
    sendUpdates: sendUpdates ?? null,
    ...(scope ? { scope } : {}),
  });
/** How many changed occurrences an edit (`input`) or a deletion (`null`) of a series occurrence
 * with `scope` would discard. Saves nothing. */
export const previewSeriesEdit = (
  accountId: string,
  calendarId: string,
  eventId: string,
  input: EventInput | null,
  scope: EditScope,
) => call<number>('preview_series_edit', { accountId, calendarId, eventId, input, scope });
/** How many occurrences a series delete with `scope` removes (`null`: the series never ends). */
export const seriesDeleteSize = (accountId: string, calendarId: string, eventId: string, scope: EditScope) =>
  call<number | null>('series_delete_size', { accountId, calendarId, eventId, scope });
/** Moves an event to another calendar of the same account (Google `events.move`). */
export const moveEvent = (
  accountId: string,
  calendarId: string,
  eventId: string,
  destinationCalendarId: string,
) => call<EventView>('move_event', { accountId, calendarId, eventId, destinationCalendarId });
/** Asks Google for a Meet link for the event; it shows once a sync brings it. */
export const addMeet = (accountId: string, calendarId: string, eventId: string) =>
  call<EventView>('add_meet', { accountId, calendarId, eventId });
export const deleteEvent = (
  accountId: string,
  calendarId: string,
  eventId: string,
  sendUpdates?: SendUpdates,
  scope?: EditScope,
) =>
  call<void>('delete_event', {
    accountId,
    calendarId,
    eventId,
    sendUpdates: sendUpdates ?? null,
    ...(scope ? { scope } : {}),
  });

// ---------------------------------------------------------------- sync

/** Starts a sync of one account, or of all; resolves when it has been queued. */
export const syncNow = (accountId?: string) =>
  call<void>('sync_now', accountId ? { accountId } : {});
export const syncStatus = () => call<SyncStatus[]>('sync_status');

// ---------------------------------------------------------------- outbox & conflicts

export const listPendingChanges = () => call<PendingChange[]>('list_pending_changes');
export const retryChange = (changeId: string) => call<void>('retry_change', { changeId });
export const discardChange = (changeId: string) => call<void>('discard_change', { changeId });
export const listConflicts = () => call<Conflict[]>('list_conflicts');

// ---- sync health, mass deletions, the trash
export const calendarHealth = () => call<CalendarHealth[]>('calendar_health');
export const syncCalendar = (accountId: string, calendarId: string) =>
  call<void>('sync_calendar', { accountId, calendarId });
export const downloadCalendarAgain = (accountId: string, calendarId: string) =>
  call<void>('download_calendar_again', { accountId, calendarId });
export const listMassDeletions = () => call<MassDeletion[]>('list_mass_deletions');
export const dismissMassDeletion = (id: string) => call<void>('dismiss_mass_deletion', { id });
export const restoreMassDeletion = (id: string) => call<RestoreAllReport>('restore_mass_deletion', { id });
export const listTrash = () => call<TrashEntry[]>('list_trash');
export const restoreTrashEntry = (id: string) => call<TrashEntry>('restore_trash_entry', { id });
export const undoStatus = () => call<UndoStatusView>('undo_status');
export const undo = () => call<UndoResultView | null>('undo');
export const redo = () => call<UndoResultView | null>('redo');
export const resolveConflict = (conflictId: string, resolution: ConflictResolution) =>
  call<void>('resolve_conflict', { conflictId, resolution });

// ---------------------------------------------------------------- settings

export const getSettings = () => call<Settings>('get_settings');
export const resolvedLocale = () => call<ResolvedLocale>('resolved_locale');
export const setSettings = (settings: Settings) => call<Settings>('set_settings', { settings });

// ---------------------------------------------------------------- the view for the next start
export const getLastView = () => call<LastView | null>('get_last_view');
export const setLastView = (lastView: LastView) => call<null>('set_last_view', { lastView });
/** The first account's own time zone (saved copy; `refresh` asks Google). Null without an account. */
export const accountTimeZone = (refresh = false) =>
  call<AccountTimeZone | null>('account_time_zone', { refresh });
