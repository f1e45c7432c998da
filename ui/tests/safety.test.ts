import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { massDeletionText } from '../src/lib/safety.svelte';
import type { CalendarHealth, MassDeletion, TrashEntry } from '../src/api/types';
import { FakeBackend, connectedWorld } from './fakeBackend';

const deletion = (over: Partial<MassDeletion> = {}): MassDeletion => ({
  id: '7',
  accountId: 'ada@example.com',
  calendarId: 'work',
  calendarName: 'Work',
  count: 87,
  restorable: 87,
  at: '2026-12-05T10:40:00+00:00',
  ...over,
});

const trashed = (over: Partial<TrashEntry> = {}): TrashEntry => ({
  id: '3',
  accountId: 'ada@example.com',
  calendarId: 'work',
  calendarName: 'Work',
  title: 'Budget review',
  start: '2026-12-07T09:00:00Z',
  allDay: false,
  reason: 'deleted_on_google',
  state: 'trashed',
  trashedAt: '2026-12-05T10:00:00+00:00',
  organizer: null,
  notRestored: [],
  ...over,
});

const healthRow = (over: Partial<CalendarHealth> = {}): CalendarHealth => ({
  accountId: 'ada@example.com',
  calendarId: 'work',
  name: 'Work',
  backgroundColor: '#4a76d4',
  lastSuccess: '2026-12-05T10:35:00+00:00',
  lastError: null,
  eventsStored: 120,
  pendingChanges: 2,
  incremental: true,
  resyncsAfterGone: 1,
  push: 'none',
  pushExpires: null,
  fullSyncInProgress: false,
  ...over,
});

describe('the mass-deletion banner', () => {
  it('says what happened in one sentence', () => {
    expect(massDeletionText(deletion())).toBe('87 events were deleted from Work on Google');
    expect(massDeletionText(deletion({ count: 1 }))).toBe('1 event was deleted from Work on Google');
  });

  it('appears at start, restores all through the shell, and goes', async () => {
    const backend = new FakeBackend(connectedWorld({ massDeletions: [deletion()] }));
    render(App);
    await waitFor(() => expect(screen.getByTestId('mass-deletion-text').textContent).toBe('87 events were deleted from Work on Google'));
    await fireEvent.click(screen.getByTestId('mass-deletion-restore'));
    await waitFor(() => expect(backend.callsOf('restore_mass_deletion')).toHaveLength(1));
    expect(backend.callsOf('restore_mass_deletion')[0].args).toEqual({ id: '7' });
    await waitFor(() => expect(screen.queryByTestId('mass-deletion-banner')).toBeNull());
  });

  it('appears when the shell announces a mass deletion, and Review opens the trash', async () => {
    const backend = new FakeBackend(connectedWorld({ trash: [trashed()] }));
    render(App);
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
    expect(backend.callsOf('list_mass_deletions')).toHaveLength(1);
    expect(screen.queryByTestId('mass-deletion-banner')).toBeNull();
    backend.world.massDeletions = [deletion({ count: 30, restorable: 30 })];
    await backend.emit('health://mass-deletion', { accountId: 'ada@example.com', calendarId: 'work', count: 30 });
    await waitFor(() => expect(screen.getByTestId('mass-deletion-text').textContent).toContain('30 events'));
    await fireEvent.click(screen.getByTestId('mass-deletion-review'));
    await waitFor(() => expect(screen.getByTestId('trash-title').textContent).toBe('Budget review'));
    // Dismissing keeps the trash as it is.
    await fireEvent.click(screen.getByTestId('mass-deletion-dismiss'));
    await waitFor(() => expect(screen.queryByTestId('mass-deletion-banner')).toBeNull());
    expect(backend.callsOf('dismiss_mass_deletion')[0].args).toEqual({ id: '7' });
    expect(screen.getAllByTestId('trash-entry')).toHaveLength(1);
  });
});

describe('the trash and sync health dialogs', () => {
  it('restore an entry from the trash, opened with x', async () => {
    const backend = new FakeBackend(connectedWorld({ trash: [trashed(), trashed({ id: '4', title: 'Gone', state: 'restored' })] }));
    render(App);
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
    await fireEvent.keyDown(window, { key: 'x' });
    await waitFor(() => expect(screen.getAllByTestId('trash-entry')).toHaveLength(2));
    expect(screen.getByTestId('trash-state').textContent).toBe('Restored');
    expect(screen.getAllByTestId('trash-restore')).toHaveLength(1);
    await fireEvent.click(screen.getByTestId('trash-restore'));
    await waitFor(() => expect(backend.callsOf('restore_trash_entry')).toHaveLength(1));
    expect(backend.callsOf('restore_trash_entry')[0].args).toEqual({ id: '3' });
    await waitFor(() => expect(screen.getAllByTestId('trash-state')).toHaveLength(2));
  });

  it('show each calendar with its error, and run its actions', async () => {
    const failing = healthRow({
      calendarId: 'home',
      name: 'Home',
      lastError: { kind: 'server', message: 'Google answered 503', at: '2026-12-05T10:30:00+00:00', current: true },
    });
    const backend = new FakeBackend(connectedWorld({ health: [healthRow(), failing] }));
    render(App);
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
    await fireEvent.click(screen.getByTestId('open-health'));
    await waitFor(() => expect(screen.getAllByTestId('health-row')).toHaveLength(2));
    const errors = screen.getAllByTestId('health-error');
    expect(errors).toHaveLength(1);
    expect(errors[0].dataset.kind).toBe('server');
    expect(errors[0].textContent).toContain('Google answered 503');
    expect(screen.getAllByTestId('health-events')[0].textContent).toContain('120 events, 2 pending changes');
    await fireEvent.click(screen.getAllByTestId('health-download')[1]);
    await waitFor(() => expect(backend.callsOf('download_calendar_again')).toHaveLength(1));
    expect(backend.callsOf('download_calendar_again')[0].args).toEqual({ accountId: 'ada@example.com', calendarId: 'home' });
    await fireEvent.click(screen.getAllByTestId('health-sync')[0]);
    await waitFor(() => expect(backend.callsOf('sync_calendar')).toHaveLength(1));
  });
});
