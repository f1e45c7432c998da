// What the app knows of the engine: accounts, calendars, sync statuses, the outbox, settings,
// the account's zone and the colour palette, loaded from the shell and kept current by its
// events (see `shellEventHandlers`).

import { tick } from 'svelte';
import * as api from '../api/commands';
import { subscribeAll } from '../api/events';
import type {
  AccountTimeZone,
  AccountView,
  AppInfo,
  CalendarView,
  ColorDefinition,
  Conflict,
  EventView,
  PendingChange,
  Settings,
  SyncFinished,
  SyncStatus,
} from '../api/types';
import { GOOGLE_EVENT_COLORS } from './colors';
import { calendarZone, displayZone } from './displayZone';
import { systemTimeZone } from './eventForm';
import { combineHandlers, shellEventHandlers, type ShellEventHandlers } from './shellEvents';
import { idleStatus, statusesByAccount } from './syncStatus';
import { throttle } from './throttle';

type Fail = (what: string) => (e: unknown) => void;

export class AppState {
  info = $state<AppInfo | null>(null);
  accounts = $state<AccountView[]>([]);
  calendars = $state<CalendarView[]>([]);
  statuses = $state<Record<string, SyncStatus>>({});
  finished = $state<Record<string, SyncFinished>>({});
  changes = $state<PendingChange[]>([]);
  conflicts = $state<Conflict[]>([]);
  settings = $state<Settings | null>(null);
  /** The Google account's own zone, once known. */
  accountZone = $state<AccountTimeZone | null>(null);
  palette = $state<Record<string, ColorDefinition & { name?: string }>>(GOOGLE_EVENT_COLORS);
  settingsReady = $state(false);
  // The grid waits for the calendar list too: drawn before it, it would fetch again when it came.
  calendarsReady = $state(false);

  readonly systemZone = systemTimeZone();
  // Following the account's zone falls back to the chosen one, then the system's, while unknown.
  displayZone = $derived(displayZone(this.settings, this.accountZone, this.systemZone));
  fcZone = $derived(calendarZone(this.settings, this.accountZone));
  writable = $derived(this.calendars.filter((c) => c.accessRole === 'owner' || c.accessRole === 'writer'));
  statusList = $derived(this.accounts.map((a) => this.statuses[a.id] ?? idleStatus(a)));
  anySyncing = $derived(this.statusList.some((s) => s.state === 'syncing'));

  /** The calendar view fetches its events again (after a burst of changes, once more). */
  readonly refetch;
  readonly reloadCalendars;
  readonly reloadOutbox;
  readonly #fail: Fail;
  #unlisten: (() => void) | null = null;

  constructor(refetchView: () => void, fail: Fail) {
    this.#fail = fail;
    this.refetch = throttle(refetchView, 400);
    this.reloadCalendars = throttle(() => void this.loadCalendars().catch(fail('Could not load calendars')), 1000);
    this.reloadOutbox = throttle(() => void this.loadOutbox().catch(fail('Could not load pending changes')), 300);
  }

  async loadAccounts() {
    this.accounts = await api.listAccounts();
  }
  async loadCalendars() {
    this.calendars = await api.listCalendars();
  }
  async loadStatus() {
    this.statuses = statusesByAccount(await api.syncStatus());
  }
  async loadOutbox() {
    [this.changes, this.conflicts] = await Promise.all([api.listPendingChanges(), api.listConflicts()]);
  }
  /**
   * The account's own zone (shown in Settings, used when the display follows it): the saved
   * copy (Google is asked at most daily) or, with `refresh`, Google's answer now. Failures keep
   * the fallback zone in use.
   */
  async loadAccountZone(refresh = false) {
    if (this.accounts.length === 0) {
      this.accountZone = null;
      return;
    }
    try {
      this.accountZone = await api.accountTimeZone(refresh);
    } catch {
      // Offline with nothing saved: the chosen or system zone stays in use.
    }
  }
  async loadPalette() {
    const first = this.accounts[0];
    if (!first) return;
    try {
      const colors = await api.eventColors(first.id);
      if (colors && Object.keys(colors).length > 0) this.palette = colors;
    } catch {
      // Google's standard palette stays in place.
    }
  }

  /**
   * Listens to the shell, then loads everything; `goToDay` shows a day a chronos://open link
   * asked for.
   */
  async start(goToDay: (date: string) => void, quickAdd: () => void = () => {}, more: ShellEventHandlers = {}) {
    this.#unlisten = await subscribeAll(combineHandlers(shellEventHandlers(this, goToDay, quickAdd), more));
    // The calendar waits for the display time zone so it renders (and fetches) once; a zone
    // that follows the account waits for the saved copy, but never long.
    const accountsLoaded = this.loadAccounts();
    const settingsLoaded = api
      .getSettings()
      .then(async (s) => {
        this.settings = s;
        if (s.followAccountTimeZone) {
          await accountsLoaded.catch(() => {});
          await Promise.race([this.loadAccountZone(), new Promise((r) => setTimeout(r, 1500))]);
        }
      })
      .finally(() => (this.settingsReady = true));
    await Promise.all([
      api.appInfo().then((i) => (this.info = i)),
      settingsLoaded,
      accountsLoaded,
      this.loadCalendars().finally(() => (this.calendarsReady = true)),
      this.loadStatus(),
      this.loadOutbox(),
    ]).catch(this.#fail('Could not load Chronos state'));
    // A chronos://open link that started the app, or the tray's Quick add… that rebuilt the
    // window, came before this page listened: the shell kept it. Asked once the calendar is on
    // the page (requests after this arrive as events).
    await tick();
    const held = await api.takePendingNavigation().catch(() => null);
    if (held?.date) goToDay(held.date);
    if (held?.quickAdd) quickAdd();
    await Promise.all([this.loadPalette(), this.accountZone ? null : this.loadAccountZone()]);
  }

  /** The calendar `ev` is in, when the list has it. */
  calendarOf(ev: EventView | null): CalendarView | null {
    if (!ev) return null;
    return this.calendars.find((c) => c.accountId === ev.accountId && c.id === ev.calendarId) ?? null;
  }

  dispose() {
    this.#unlisten?.();
    this.refetch.cancel();
    this.reloadCalendars.cancel();
    this.reloadOutbox.cancel();
  }
}
