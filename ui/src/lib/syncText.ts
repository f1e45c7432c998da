// Words and numbers for the sync status: relative times, progress, the after-sync summary.

import type { SyncFinished, SyncProgress, SyncStatus } from '../api/types';

const numberFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${numberFormat.format(n)} ${n === 1 ? singular : plural}`;
}

/** "just now", "1 minute ago", "2 hours ago", "3 days ago" — for `iso` seen from `now`. */
export function relativeTime(iso: string, now: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'at an unknown time';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${formatCount(minutes, 'minute')} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${formatCount(hours, 'hour')} ago`;
  const days = Math.floor(hours / 24);
  return `${formatCount(days, 'day')} ago`;
}

/** Share of the run that is complete, 0..1: calendars finished (done or failed) over total. */
export function progressFraction(p: SyncProgress | null | undefined): number {
  if (!p || p.calendarsTotal <= 0) return 0;
  const finishedRows = p.calendars.filter((c) => c.state === 'done' || c.state === 'failed').length;
  const done = Math.max(p.calendarsDone, finishedRows);
  return Math.min(1, Math.max(0, done / p.calendarsTotal));
}

export function progressPercent(p: SyncProgress | null | undefined): number {
  return Math.round(progressFraction(p) * 100);
}

/** "Syncing 3 of 7 calendars · 1,240 events" */
export function progressText(p: SyncProgress | null | undefined): string {
  if (!p || p.calendarsTotal <= 0) return 'Syncing…';
  const done = Math.min(p.calendarsTotal, Math.max(0, p.calendarsDone));
  return `Syncing ${done} of ${formatCount(p.calendarsTotal, 'calendar')} · ${formatCount(
    p.eventsFetched,
    'event',
  )}`;
}

/** "Synced 1,240 events from 5 calendars" */
export function finishedSummary(f: SyncFinished): string {
  return `Synced ${formatCount(f.events, 'event')} from ${formatCount(f.calendars, 'calendar')}`;
}

/** The one-line status text for an account. */
export function statusText(s: SyncStatus, now: number): string {
  switch (s.state) {
    case 'syncing':
      return progressText(s.progress);
    case 'up_to_date':
      return s.lastSyncAt ? `Up to date · Synced ${relativeTime(s.lastSyncAt, now)}` : 'Up to date';
    case 'error':
      return `Sync failed: ${s.error?.message ?? 'unknown error'}`;
    case 'needs_reauth':
      return 'Needs re-auth: sign in again to keep syncing';
    case 'idle':
    default:
      return s.lastSyncAt ? `Synced ${relativeTime(s.lastSyncAt, now)}` : 'Not synced yet';
  }
}

/**
 * What the live region says for an account: only the state, so a screen reader hears "Syncing"
 * once when a run starts and "Up to date" once when it ends, not every progress tick or every
 * minute the relative time moves on. Idle says nothing.
 */
export function statusAnnouncement(s: SyncStatus): string {
  switch (s.state) {
    case 'syncing':
      return 'Syncing';
    case 'up_to_date':
      return 'Up to date';
    case 'error':
      return `Sync failed: ${s.error?.message ?? 'unknown error'}`;
    case 'needs_reauth':
      return 'Needs re-auth: sign in again to keep syncing';
    case 'idle':
    default:
      return '';
  }
}
