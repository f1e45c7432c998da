import { describe, expect, it } from 'vitest';
import {
  finishedSummary,
  progressFraction,
  progressPercent,
  progressText,
  relativeTime,
  statusAnnouncement,
  statusText,
} from '../src/lib/syncText';
import type { SyncProgress } from '../src/api/types';

const NOW = Date.parse('2026-11-25T10:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('relativeTime', () => {
  it('says just now under a minute', () => {
    expect(relativeTime(ago(0), NOW)).toBe('just now');
    expect(relativeTime(ago(59_000), NOW)).toBe('just now');
  });
  it('counts minutes, hours and days with singular forms', () => {
    expect(relativeTime(ago(60_000), NOW)).toBe('1 minute ago');
    expect(relativeTime(ago(2 * 60_000 + 10_000), NOW)).toBe('2 minutes ago');
    expect(relativeTime(ago(59 * 60_000), NOW)).toBe('59 minutes ago');
    expect(relativeTime(ago(60 * 60_000), NOW)).toBe('1 hour ago');
    expect(relativeTime(ago(5 * 3600_000), NOW)).toBe('5 hours ago');
    expect(relativeTime(ago(3 * 86_400_000), NOW)).toBe('3 days ago');
  });
  it('treats a clock slightly ahead as just now, and garbage as unknown', () => {
    expect(relativeTime(new Date(NOW + 5000).toISOString(), NOW)).toBe('just now');
    expect(relativeTime('not a date', NOW)).toBe('at an unknown time');
  });
});

function progress(over: Partial<SyncProgress> = {}): SyncProgress {
  return { accountId: 'a', calendarsTotal: 4, calendarsDone: 1, eventsFetched: 1240, calendars: [], ...over };
}

describe('progress math', () => {
  it('is calendars finished over total', () => {
    expect(progressFraction(progress())).toBe(0.25);
    expect(progressPercent(progress({ calendarsTotal: 3, calendarsDone: 2 }))).toBe(67);
    expect(progressPercent(progress({ calendarsTotal: 3, calendarsDone: 3 }))).toBe(100);
  });
  it('is zero with no calendars and never exceeds one', () => {
    expect(progressFraction(progress({ calendarsTotal: 0, calendarsDone: 0 }))).toBe(0);
    expect(progressFraction(null)).toBe(0);
    expect(progressFraction(progress({ calendarsTotal: 2, calendarsDone: 5 }))).toBe(1);
  });
  it('counts failed rows as finished when the counter lags', () => {
    const rows = [
      { calendarId: 'a', summary: 'A', eventsFetched: 5, pages: 1, state: 'done' as const, error: null },
      { calendarId: 'b', summary: 'B', eventsFetched: 0, pages: 0, state: 'failed' as const, error: null },
      { calendarId: 'c', summary: 'C', eventsFetched: 0, pages: 0, state: 'running' as const, error: null },
      { calendarId: 'd', summary: 'D', eventsFetched: 0, pages: 0, state: 'waiting' as const, error: null },
    ];
    expect(progressFraction(progress({ calendarsDone: 1, calendars: rows }))).toBe(0.5);
  });
  it('describes the run in words', () => {
    expect(progressText(progress({ calendarsTotal: 7, calendarsDone: 3 }))).toBe(
      'Syncing 3 of 7 calendars · 1,240 events',
    );
    expect(progressText(progress({ calendarsTotal: 1, calendarsDone: 0, eventsFetched: 1 }))).toBe(
      'Syncing 0 of 1 calendar · 1 event',
    );
    expect(progressText(null)).toBe('Syncing…');
  });
});

describe('summary and status lines', () => {
  it('summarises a finished sync', () => {
    expect(
      finishedSummary({ accountId: 'a', events: 1240, calendars: 5, added: 1240, updated: 0, deleted: 0, durationMs: 900 }),
    ).toBe('Synced 1,240 events from 5 calendars');
    expect(
      finishedSummary({ accountId: 'a', events: 1, calendars: 1, added: 0, updated: 1, deleted: 0, durationMs: 5 }),
    ).toBe('Synced 1 event from 1 calendar');
  });
  it('has a line for every state', () => {
    const base = { accountId: 'a', pendingChanges: 0, lastSyncAt: null, error: null, progress: null };
    expect(statusText({ ...base, state: 'up_to_date', lastSyncAt: ago(120_000) }, NOW)).toBe(
      'Up to date · Synced 2 minutes ago',
    );
    expect(statusText({ ...base, state: 'syncing', progress: progress() }, NOW)).toBe(
      'Syncing 1 of 4 calendars · 1,240 events',
    );
    expect(
      statusText({ ...base, state: 'error', error: { kind: 'offline', message: 'Google is unreachable', retryable: true } }, NOW),
    ).toBe('Sync failed: Google is unreachable');
    expect(statusText({ ...base, state: 'needs_reauth' }, NOW)).toMatch(/^Needs re-auth/);
    expect(statusText({ ...base, state: 'idle' }, NOW)).toBe('Not synced yet');
  });
  it('announces each state once: progress ticks and the passing minutes change nothing', () => {
    const base = { accountId: 'a', pendingChanges: 0, lastSyncAt: null, error: null, progress: null };
    const ticks = [
      { ...base, state: 'syncing' as const, progress: progress({ calendarsDone: 0 }) },
      { ...base, state: 'syncing' as const, progress: progress({ calendarsDone: 2, eventsFetched: 300 }) },
      { ...base, state: 'syncing' as const, progress: null },
    ];
    expect(new Set(ticks.map(statusAnnouncement))).toEqual(new Set(['Syncing']));
    const done = { ...base, state: 'up_to_date' as const, lastSyncAt: ago(0) };
    expect(statusAnnouncement(done)).toBe('Up to date');
    // The visible line moves on with the clock; what is announced does not.
    expect(statusText(done, NOW)).not.toBe(statusText(done, NOW + 120_000));
    expect(statusAnnouncement({ ...done, lastSyncAt: ago(120_000) })).toBe('Up to date');
    expect(
      statusAnnouncement({ ...base, state: 'error', error: { kind: 'offline', message: 'Google is unreachable', retryable: true } }),
    ).toBe('Sync failed: Google is unreachable');
    expect(statusAnnouncement({ ...base, state: 'needs_reauth' })).toMatch(/^Needs re-auth/);
    expect(statusAnnouncement({ ...base, state: 'idle' })).toBe('');
  });
});
