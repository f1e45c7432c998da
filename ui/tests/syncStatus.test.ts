import { describe, expect, it } from 'vitest';
import { idleStatus, namesUnknownCalendar, statusAfterProgress, statusesByAccount } from '../src/lib/syncStatus';
import type { SyncProgress, SyncStatus } from '../src/api/types';
import { calendar } from './fakeBackend';

const progress = (done: number, total: number, calendarIds: string[] = []): SyncProgress => ({
  accountId: 'ada@example.com',
  calendarsTotal: total,
  calendarsDone: done,
  eventsFetched: 12,
  calendars: calendarIds.map((calendarId) => ({ calendarId, summary: calendarId, eventsFetched: 0, pages: 0, state: 'running', error: null })),
});

const status = (state: SyncStatus['state']): SyncStatus => ({
  accountId: 'ada@example.com',
  state,
  lastSyncAt: '2026-11-25T08:58:00Z',
  error: null,
  progress: null,
  pendingChanges: 3,
});

describe('idleStatus', () => {
  it('reads the account list: re-auth, syncing, synced before, never synced', () => {
    const account = { id: 'ada@example.com', lastSyncAt: null } as const;
    expect(idleStatus({ ...account, status: 'needs_reauth' }).state).toBe('needs_reauth');
    expect(idleStatus({ ...account, status: 'syncing' }).state).toBe('syncing');
    expect(idleStatus({ ...account, status: 'connected' }).state).toBe('idle');
    const synced = idleStatus({ ...account, status: 'connected', lastSyncAt: '2026-11-25T08:58:00Z' });
    expect(synced).toEqual({
      accountId: 'ada@example.com',
      state: 'up_to_date',
      lastSyncAt: '2026-11-25T08:58:00Z',
      error: null,
      progress: null,
      pendingChanges: 0,
    });
  });
});

describe('statusesByAccount', () => {
  it('keys the statuses by account, the last one winning', () => {
    const a = status('idle');
    const b = { ...status('syncing'), accountId: 'bob@example.com' };
    const a2 = status('error');
    expect(statusesByAccount([a, b, a2])).toEqual({ 'ada@example.com': a2, 'bob@example.com': b });
  });
});

describe('statusAfterProgress', () => {
  it('turns a report into a syncing status that keeps the pending count and last sync', () => {
    const p = progress(1, 4);
    expect(statusAfterProgress(status('up_to_date'), p)).toEqual({
      accountId: 'ada@example.com',
      state: 'syncing',
      lastSyncAt: '2026-11-25T08:58:00Z',
      error: null,
      progress: p,
      pendingChanges: 3,
    });
    expect(statusAfterProgress(undefined, p)).toMatchObject({ state: 'syncing', lastSyncAt: null, pendingChanges: 0 });
  });

  it('ignores a complete run’s late report once the run has finished', () => {
    expect(statusAfterProgress(status('up_to_date'), progress(4, 4))).toBeNull();
    expect(statusAfterProgress(status('syncing'), progress(4, 4))?.state).toBe('syncing');
    expect(statusAfterProgress(undefined, progress(4, 4))?.state).toBe('syncing');
    // No calendars counted yet is not complete.
    expect(statusAfterProgress(status('up_to_date'), progress(0, 0))?.state).toBe('syncing');
  });
});

describe('namesUnknownCalendar', () => {
  it('is true only for a calendar of this account the list lacks', () => {
    const list = [calendar(), calendar({ accountId: 'bob@example.com', id: 'team' })];
    expect(namesUnknownCalendar(list, progress(0, 1, ['ada@example.com']))).toBe(false);
    expect(namesUnknownCalendar(list, progress(0, 1, []))).toBe(false);
    expect(namesUnknownCalendar(list, progress(0, 2, ['ada@example.com', 'team']))).toBe(true);
  });
});
