// What keeps deletions reversible and sync visible in the window: the mass deletions still to
// review (the banner), the trash, and each calendar's sync health. The core decides; this holds
// what it said and runs the user's actions, one at a time per item.

import type { CalendarHealth, MassDeletion, TrashEntry } from '../api/types';
import { failureText } from './toasts.svelte';

export interface SafetyApi {
  listMassDeletions(): Promise<MassDeletion[]>;
  dismissMassDeletion(id: string): Promise<void>;
  restoreMassDeletion(id: string): Promise<{ queued: number; failed: string[] }>;
  listTrash(): Promise<TrashEntry[]>;
  restoreTrashEntry(id: string): Promise<TrashEntry>;
  calendarHealth(): Promise<CalendarHealth[]>;
  syncCalendar(accountId: string, calendarId: string): Promise<void>;
  downloadCalendarAgain(accountId: string, calendarId: string): Promise<void>;
}

type Say = (message: string, kind?: 'info' | 'error') => void;

export class SafetyState {
  massDeletions = $state<MassDeletion[]>([]);
  trash = $state<TrashEntry[]>([]);
  health = $state<CalendarHealth[]>([]);
  /** Ids (trash entries, mass deletions, `account/calendar`) with an action under way. */
  busy = $state(new Set<string>());

  constructor(
    private api: SafetyApi,
    private say: Say,
  ) {}

  private async run<T>(key: string, what: string, f: () => Promise<T>): Promise<T | undefined> {
    if (this.busy.has(key)) return undefined;
    this.busy = new Set(this.busy).add(key);
    try {
      return await f();
    } catch (e) {
      this.say(failureText(what, e), 'error');
      return undefined;
    } finally {
      const next = new Set(this.busy);
      next.delete(key);
      this.busy = next;
    }
  }

  loadMassDeletions = async () => {
    try {
      this.massDeletions = await this.api.listMassDeletions();
    } catch {
      // The banner waits for the next sync's notice.
    }
  };

  restoreAll = async (m: MassDeletion) => {
    const r = await this.run(`mass:${m.id}`, 'Could not restore the events', () => this.api.restoreMassDeletion(m.id));
    if (!r) return;
    const failed = r.failed.length > 0 ? `; ${r.failed.length} could not be restored` : '';
    this.say(`Restoring ${r.queued} ${r.queued === 1 ? 'event' : 'events'} to ${m.calendarName}${failed}`, failed ? 'error' : 'info');
    await Promise.all([this.loadMassDeletions(), this.loadTrash()]);
  };

  dismiss = async (m: MassDeletion) => {
    await this.run(`mass:${m.id}`, 'Could not dismiss', () => this.api.dismissMassDeletion(m.id));
    await this.loadMassDeletions();
  };

  loadTrash = async () => {
    const t = await this.run('trash', 'Could not read the trash', () => this.api.listTrash());
    if (t) this.trash = t;
  };

  restore = async (e: TrashEntry) => {
    const done = await this.run(`trash:${e.id}`, 'Could not restore the event', () => this.api.restoreTrashEntry(e.id));
    if (!done) return;
    this.trash = this.trash.map((t) => (t.id === done.id ? done : t));
    this.say(`Restoring “${done.title}”`, 'info');
  };

  loadHealth = async () => {
    const h = await this.run('health', 'Could not read sync health', () => this.api.calendarHealth());
    if (h) this.health = h;
  };

  syncCalendar = async (c: CalendarHealth) => {
    await this.run(`cal:${c.accountId}/${c.calendarId}`, 'Could not sync the calendar', () =>
      this.api.syncCalendar(c.accountId, c.calendarId),
    );
  };

  downloadAgain = async (c: CalendarHealth) => {
    const ok = await this.run(`cal:${c.accountId}/${c.calendarId}`, 'Could not download the calendar again', async () => {
      await this.api.downloadCalendarAgain(c.accountId, c.calendarId);
      return true;
    });
    if (ok) this.say(`Downloading ${c.name} again; changes waiting to be sent are kept`, 'info');
  };
}

/** The trash's words for why an event is there. */
export const TRASH_REASON: Record<string, string> = {
  deleted_here: 'Deleted here',
  deleted_on_google: 'Deleted on Google',
  gone_in_full_sync: 'Gone from Google (found in a full sync)',
  moved_to_unsynced_calendar: 'Moved to a calendar not synced here',
};

export const TRASH_STATE: Record<string, string> = {
  trashed: '',
  restoring: 'Restoring…',
  restored: 'Restored',
  restored_as_copy: 'Restored as a new event',
};

/** The banner's sentence. */
export function massDeletionText(m: MassDeletion): string {
  return `${m.count} ${m.count === 1 ? 'event was' : 'events were'} deleted from ${m.calendarName} on Google`;
}
