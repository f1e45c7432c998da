// An account's sync status as the header shows it, from the account list and the shell's
// progress reports.

import type { AccountView, CalendarView, SyncProgress, SyncStatus } from '../api/types';

/** The status of an account no report has been heard for yet. */
export function idleStatus(a: AccountView): SyncStatus {
  return {
    accountId: a.id,
    state: a.status === 'needs_reauth' ? 'needs_reauth' : a.status === 'syncing' ? 'syncing' : a.lastSyncAt ? 'up_to_date' : 'idle',
    lastSyncAt: a.lastSyncAt ?? null,
    error: null,
    progress: null,
    pendingChanges: 0,
  };
}

/** The statuses keyed by account. */
export function statusesByAccount(list: SyncStatus[]): Record<string, SyncStatus> {
  const byAccount: Record<string, SyncStatus> = {};
  for (const s of list) byAccount[s.accountId] = s;
  return byAccount;
}

/**
 * The status a progress report makes, or null when it must be ignored: a throttled last report
 * can land after the run's final status, and a complete run's progress must not turn
 * "Up to date" back into "Syncing".
 */
export function statusAfterProgress(prev: SyncStatus | undefined, p: SyncProgress): SyncStatus | null {
  const complete = p.calendarsTotal > 0 && p.calendarsDone >= p.calendarsTotal;
  if (complete && prev && prev.state !== 'syncing') return null;
  return {
    accountId: p.accountId,
    pendingChanges: prev?.pendingChanges ?? 0,
    lastSyncAt: prev?.lastSyncAt ?? null,
    state: 'syncing',
    error: null,
    progress: p,
  };
}

/**
 * Whether the run names a calendar the sidebar does not know yet (the first sync, a calendar
 * added in Google): its events only show once the list has it.
 */
export function namesUnknownCalendar(calendars: CalendarView[], p: SyncProgress): boolean {
  const known = (id: string) => calendars.some((c) => c.accountId === p.accountId && c.id === id);
  return p.calendars.some((c) => !known(c.calendarId));
}
