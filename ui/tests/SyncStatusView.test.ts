import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import SyncStatusView from '../src/components/SyncStatusView.svelte';
import type { SyncStatus } from '../src/api/types';

const NOW = Date.parse('2026-11-25T10:00:00Z');

function show(status: SyncStatus, extra: Record<string, unknown> = {}) {
  const onretry = vi.fn();
  const onreconnect = vi.fn();
  const r = render(SyncStatusView, { props: { status, now: NOW, onretry, onreconnect, ...extra } });
  return { ...r, onretry, onreconnect };
}

const base = { accountId: 'ada@example.com', pendingChanges: 0, lastSyncAt: null, error: null, progress: null };

describe('SyncStatusView', () => {
  it('shows up to date with a relative time that follows `now`', async () => {
    const { rerender } = show({ ...base, state: 'up_to_date', lastSyncAt: '2026-11-25T09:58:00Z' });
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Up to date · Synced 2 minutes ago');
    expect(screen.getByTestId('sync-status').dataset.state).toBe('up_to_date');
    await rerender({ now: NOW + 60 * 60_000 });
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Up to date · Synced 1 hour ago');
    expect(screen.queryByTestId('sync-progress')).toBeNull();
    expect(screen.queryByTestId('sync-retry')).toBeNull();
  });

  it('shows a progress bar with its value and per-calendar rows on demand', async () => {
    show({
      ...base,
      state: 'syncing',
      progress: {
        accountId: base.accountId,
        calendarsTotal: 4,
        calendarsDone: 3,
        eventsFetched: 1240,
        calendars: [
          { calendarId: 'a', summary: 'Work', eventsFetched: 1000, pages: 4, state: 'done', error: null },
          { calendarId: 'b', summary: 'Home', eventsFetched: 240, pages: 1, state: 'running', error: null },
          { calendarId: 'c', summary: 'Gym', eventsFetched: 0, pages: 0, state: 'failed', error: { kind: 'forbidden', message: 'No access', retryable: false } },
          { calendarId: 'd', summary: 'Ext', eventsFetched: 0, pages: 0, state: 'done', error: null },
        ],
      },
    });
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Syncing 3 of 4 calendars · 1,240 events');
    // Only the live region is announced, and it names the state, not the count.
    expect(screen.getByTestId('sync-status-text').getAttribute('role')).toBeNull();
    expect(screen.getByTestId('sync-announcement').getAttribute('role')).toBe('status');
    expect(screen.getByTestId('sync-announcement').textContent).toBe('Syncing');
    const bar = screen.getByTestId('sync-progress');
    expect(bar.getAttribute('aria-valuenow')).toBe('75');
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('75%');
    expect(screen.queryByTestId('sync-calendar-rows')).toBeNull();
    await fireEvent.click(screen.getByTestId('sync-details-toggle'));
    const rows = screen.getAllByTestId('sync-calendar-row');
    expect(rows.map((r) => r.dataset.state)).toEqual(['done', 'running', 'failed', 'done']);
    expect(rows[2].textContent).toContain('No access');
    expect(rows[0].textContent).toContain('1,000 events');
  });

  it('shows the error with a Retry that retries this account', async () => {
    const { onretry } = show({
      ...base,
      state: 'error',
      error: { kind: 'offline', message: 'Google is unreachable', retryable: true },
    });
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Sync failed: Google is unreachable');
    await fireEvent.click(screen.getByTestId('sync-retry'));
    expect(onretry).toHaveBeenCalledWith('ada@example.com');
  });

  it('asks for re-auth with a Reconnect button', async () => {
    const { onreconnect } = show({ ...base, state: 'needs_reauth' });
    expect(screen.getByTestId('sync-status-text').textContent).toMatch(/Needs re-auth/);
    await fireEvent.click(screen.getByTestId('reconnect-account'));
    expect(onreconnect).toHaveBeenCalledWith('ada@example.com');
  });

  it('shows the summary of the last run once it has finished', async () => {
    const finished = { accountId: base.accountId, events: 1240, calendars: 5, added: 1240, updated: 0, deleted: 0, durationMs: 800 };
    const { rerender } = show({ ...base, state: 'up_to_date', lastSyncAt: '2026-11-25T10:00:00Z' }, { finished });
    expect(screen.getByTestId('sync-summary').textContent).toBe('Synced 1,240 events from 5 calendars');
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Up to date · Synced just now');
    await rerender({ status: { ...base, state: 'syncing' } });
    expect(screen.queryByTestId('sync-summary')).toBeNull();
  });

  it('says when it has never synced', () => {
    show({ ...base, state: 'idle' });
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Not synced yet');
  });
});
