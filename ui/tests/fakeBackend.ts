// A stand-in for the Rust shell in unit tests: answers the commands from an in-memory world,
// records every call, and emits events through the mocked event system.

import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import type {
  AccountView,
  AppError,
  AppInfo,
  CalendarView,
  Conflict,
  DayMore,
  EventView,
  LastView,
  MassDeletion,
  TrashEntry,
  CalendarHealth,
  PendingChange,
  ResolvedLocale,
  Settings,
  SyncStatus,
} from '../src/api/types';
import type { EventName, EventPayloads } from '../src/api/events';

export interface World {
  info: AppInfo;
  accounts: AccountView[];
  calendars: CalendarView[];
  events: EventView[];
  /** What `month_view` says each day leaves out (its events are `events`). */
  more: DayMore[];
  statuses: SyncStatus[];
  changes: PendingChange[];
  conflicts: Conflict[];
  settings: Settings;
  /** What `get_last_view` answers and `set_last_view` keeps. */
  lastView?: LastView | null;
  /** What the core resolves the locale to (the C locale's when unset). */
  locale?: ResolvedLocale;
  /** What `account_time_zone` answers (Google's `settings` → `timezone` of the first account). */
  accountZone?: string;
  massDeletions?: MassDeletion[];
  trash?: TrashEntry[];
  health?: CalendarHealth[];
  /** Labels of the changes undo and redo would take (newest last). */
  undoable?: string[];
  redoable?: string[];
}

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export function calendar(over: Partial<CalendarView> = {}): CalendarView {
  return {
    accountId: 'ada@example.com',
    id: 'ada@example.com',
    summary: 'Ada',
    backgroundColor: '#4a76d4',
    foregroundColor: '#ffffff',
    accessRole: 'owner',
    selected: true,
    primary: true,
    incrementalSync: true,
    colorsPending: false,
    ...over,
  };
}

export function event(over: Partial<EventView> = {}): EventView {
  return {
    accountId: 'ada@example.com',
    calendarId: 'ada@example.com',
    id: 'ev1',
    title: 'Standup',
    start: '2026-11-25T09:00:00Z',
    end: '2026-11-25T09:30:00Z',
    allDay: false,
    description: null,
    location: null,
    timeZone: null,
    colorId: null,
    color: null,
    recurringEventId: null,
    attendees: null,
    reminders: null,
    pending: false,
    conflict: false,
    readOnly: false,
    eventType: 'default',
    editable: { title: true, description: true, location: true, time: true, guests: true, reminders: true, color: true },
    lockedReason: null,
    canMove: true,
    canDelete: true,
    conference: null,
    canAddMeet: false,
    attachments: [],
    workPlace: null,
    autoDecline: null,
    ...over,
  };
}

export function emptyWorld(over: Partial<World> = {}): World {
  return {
    info: { demo: false, version: '0.1.0', startupError: null },
    accounts: [],
    calendars: [],
    events: [],
    more: [],
    statuses: [],
    changes: [],
    conflicts: [],
    settings: {
      syncIntervalMinutes: 5,
      closeToTray: true,
      launchAtLogin: false,
      displayTimeZone: 'UTC',
      followAccountTimeZone: false,
      pushAddress: null,
      logLevel: 'info',
      trashRetentionDays: 30,
      massDeletion: { maxEvents: 50, maxPercent: 20, minCalendarEvents: 25 },
      theme: 'system',
      locale: null,
      hourCycle: 'auto',
      weekStart: 'auto',
    },
    ...over,
  };
}

export function connectedWorld(over: Partial<World> = {}): World {
  return emptyWorld({
    accounts: [{ id: 'ada@example.com', status: 'connected', lastSyncAt: '2026-11-25T08:58:00Z' }],
    calendars: [
      calendar(),
      calendar({ id: 'holidays', summary: 'Holidays', accessRole: 'reader', primary: false, backgroundColor: '#0b8043' }),
    ],
    events: [event()],
    statuses: [
      {
        accountId: 'ada@example.com',
        state: 'up_to_date',
        lastSyncAt: '2026-11-25T08:58:00Z',
        error: null,
        progress: null,
        pendingChanges: 0,
      },
    ],
    ...over,
  });
}

export class FakeBackend {
  calls: Call[] = [];
  /** Per-command overrides (return a value or throw an AppError). */
  overrides: Record<string, (args: Record<string, unknown>) => unknown> = {};

  constructor(public world: World) {
    mockWindows('main');
    mockIPC((cmd, payload) => this.handle(cmd, (payload ?? {}) as Record<string, unknown>), {
      shouldMockEvents: true,
    });
  }

  callsOf(cmd: string): Call[] {
    return this.calls.filter((c) => c.cmd === cmd);
  }

  emit<N extends EventName>(name: N, payload: EventPayloads[N]): Promise<void> {
    return emit(name, payload);
  }

  private handle(cmd: string, args: Record<string, unknown>): unknown {
    // The event plugin's own traffic is not a Chronos command.
    if (!cmd.startsWith('plugin:')) this.calls.push({ cmd, args });
    const override = this.overrides[cmd];
    if (override) return override(args);
    const w = this.world;
    switch (cmd) {
      case 'app_info':
        return w.info;
      case 'list_accounts':
        return w.accounts;
      case 'list_calendars':
        return w.calendars;
      case 'event_colors':
        return {};
      case 'events_in_range':
        return { events: w.events, truncated: [] };
      case 'month_view':
        return { events: w.events, more: w.more, truncated: [] };
      case 'sync_status':
        return w.statuses;
      case 'list_pending_changes':
        return w.changes;
      case 'list_conflicts':
        return w.conflicts;
      case 'get_settings':
        return w.settings;
      case 'resolved_locale':
        return w.locale ?? { tag: 'en-US', hour12: false, firstDay: 0 };
      case 'account_time_zone':
        return w.accounts[0] && w.accountZone ? { accountId: w.accounts[0].id, timeZone: w.accountZone } : null;
      case 'set_settings':
        w.settings = args.settings as Settings;
        return w.settings;
      case 'list_mass_deletions':
        return w.massDeletions ?? [];
      case 'dismiss_mass_deletion':
        w.massDeletions = (w.massDeletions ?? []).filter((m) => m.id !== args.id);
        return null;
      case 'restore_mass_deletion': {
        const m = (w.massDeletions ?? []).find((d) => d.id === args.id);
        w.massDeletions = (w.massDeletions ?? []).filter((d) => d.id !== args.id);
        return { queued: m?.restorable ?? 0, failed: [] };
      }
      case 'list_trash':
        return w.trash ?? [];
      case 'restore_trash_entry': {
        const t = (w.trash ?? []).find((e) => e.id === args.id);
        if (!t) throw { kind: 'not_found', message: `trash entry ${String(args.id)} not found`, retryable: false };
        const done = { ...t, state: 'restoring' };
        w.trash = (w.trash ?? []).map((e) => (e.id === t.id ? done : e));
        return done;
      }
      case 'undo':
      case 'redo': {
        const stack = cmd === 'undo' ? (w.undoable ?? []) : (w.redoable ?? []);
        const label = stack.pop();
        if (!label) return null;
        (cmd === 'undo' ? (w.redoable ??= []) : (w.undoable ??= [])).push(label);
        return { label, redone: cmd === 'redo', kept: [] };
      }
      case 'undo_status':
        return { undo: w.undoable?.at(-1) ?? null, redo: w.redoable?.at(-1) ?? null };
      case 'calendar_health':
        return w.health ?? [];
      case 'sync_calendar':
      case 'download_calendar_again':
        return null;
      case 'get_last_view':
        return w.lastView ?? null;
      case 'set_last_view':
        w.lastView = args.lastView as LastView;
        return null;
      case 'connect_account': {
        const account: AccountView = { id: 'ada@example.com', status: 'connected', lastSyncAt: null };
        w.accounts = [account];
        w.calendars = [calendar()];
        return account;
      }
      case 'reconnect_account':
        return { id: args.accountId, status: 'connected' };
      case 'set_calendar_selected':
      case 'set_calendar_color':
      case 'sync_now':
      case 'retry_change':
      case 'discard_change':
      case 'resolve_conflict':
      case 'delete_event':
      case 'disconnect_account':
      case 'open_link':
      case 'open_logs_folder':
      case 'take_pending_navigation':
      case 'first_month_shown':
      case 'search_shown':
        return null;
      case 'create_event':
      case 'update_event': {
        const input = args.input as EventView;
        return { ...event(), ...input, id: (args.eventId as string) ?? 'new1', pending: true };
      }
      case 'add_meet':
        return {
          ...event(),
          id: args.eventId,
          pending: true,
          canAddMeet: false,
          conference: { joinUrl: null, solution: 'Google Meet', pending: true, failed: false },
        };
      case 'move_event':
        return { ...event(), id: args.eventId, calendarId: args.destinationCalendarId };
      case 'preview_series_edit':
        // No changed occurrences unless a test says otherwise (overrides).
        return 0;
      case 'series_delete_size':
        // A short series unless a test says otherwise (overrides).
        return 5;
      default: {
        if (cmd.startsWith('plugin:')) return undefined;
        const err: AppError = { kind: 'internal', message: `unknown command ${cmd}`, retryable: false };
        throw err;
      }
    }
  }
}

/** Lets pending promises and Svelte updates settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}
