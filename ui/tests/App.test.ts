import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, calendar, connectedWorld, emptyWorld, event } from './fakeBackend';
import { DateTime } from 'luxon';
import { nowDate, now as clockNow } from '../src/lib/clock';

/** The month view opens on the current month, so the event must fall in it. */
const today = () => nowDate().toISOString().slice(0, 10);

async function start(backend: FakeBackend) {
  render(App);
  await waitFor(() => expect(backend.callsOf('get_settings').length).toBe(1));
  await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
}

describe('App', () => {
  it('shows the empty state and the demo banner, and connects an account', async () => {
    const backend = new FakeBackend(emptyWorld({ info: { demo: true, version: '0.1.0', startupError: null } }));
    await start(backend);
    expect(screen.getByTestId('demo-banner').textContent).toContain('Demo mode');
    expect(screen.getByTestId('empty-accounts').textContent).toContain('Connect a Google account to see your calendars');
    await fireEvent.click(screen.getByTestId('connect-account'));
    await waitFor(() => expect(backend.callsOf('sync_now')).toHaveLength(1));
    expect(backend.callsOf('connect_account')).toHaveLength(1);
    expect(backend.callsOf('sync_now')[0].args).toEqual({ accountId: 'ada@example.com' });
    await waitFor(() => expect(screen.queryByTestId('empty-accounts')).toBeNull());
    expect(screen.getAllByTestId('calendar-item')).toHaveLength(1);
  });

  it('has no demo banner outside demo mode, and loads the view once', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    expect(screen.queryByTestId('demo-banner')).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    expect(backend.callsOf('month_view')).toHaveLength(1);
  });

  it('waits for the calendar list before drawing the month, and a sync that changed nothing does not fetch it again', async () => {
    const backend = new FakeBackend(connectedWorld());
    let release: () => void = () => {};
    const calendarsAnswered = new Promise<void>((r) => (release = r));
    backend.overrides.list_calendars = async () => {
      await calendarsAnswered;
      return backend.world.calendars;
    };
    render(App);
    await waitFor(() => expect(backend.callsOf('list_calendars').length).toBe(1));
    await new Promise((r) => setTimeout(r, 100));
    expect(backend.callsOf('month_view')).toHaveLength(0);
    release();
    await waitFor(() => expect(backend.callsOf('month_view')).toHaveLength(1));
    await backend.emit('sync://finished', {
      accountId: 'ada@example.com',
      events: 0,
      calendars: 2,
      added: 0,
      updated: 0,
      deleted: 0,
      durationMs: 300,
    });
    await new Promise((r) => setTimeout(r, 600));
    expect(backend.callsOf('month_view')).toHaveLength(1);
  });

  it('renders events from month_view with their id and title as text', async () => {
    const backend = new FakeBackend(
      connectedWorld({ events: [event({ id: 'e-77', title: '<img src=x onerror=alert(1)>Party', start: `${today()}T12:00:00Z`, end: `${today()}T13:00:00Z` })] }),
    );
    await start(backend);
    const [from, to] = [backend.callsOf('month_view')[0].args.from, backend.callsOf('month_view')[0].args.to];
    expect(typeof from).toBe('string');
    expect(Date.parse(to as string)).toBeGreaterThan(Date.parse(from as string));
    const el = await screen.findByTestId('calendar-event');
    expect(el.dataset.eventId).toBe('e-77');
    expect(el.dataset.eventTitle).toBe('<img src=x onerror=alert(1)>Party');
    expect(el.querySelector('img')).toBeNull();
  });

  it("shows a day's working location as a label on the day, not as an event", async () => {
    const backend = new FakeBackend(
      connectedWorld({
        events: [
          event({ id: 'meet', title: 'Standup', start: `${today()}T09:00:00Z`, end: `${today()}T09:30:00Z` }),
          event({
            id: 'where',
            title: 'Office',
            eventType: 'workingLocation',
            allDay: true,
            start: today(),
            end: DateTime.fromISO(today()).plus({ days: 1 }).toISODate()!,
            workPlace: { kind: 'office', label: 'Berlin office' },
          }),
        ],
      }),
    );
    await start(backend);
    const label = await screen.findByTestId('working-location');
    expect(label.textContent).toBe('🏢 Office · Berlin office');
    expect(label.closest('[data-date]')?.getAttribute('data-date')).toBe(today());
    const events = screen.getAllByTestId('calendar-event');
    expect(events.map((e) => e.dataset.eventId)).toEqual(['meet']);
  });

  it('asks the month for a few events a day and shows "+N more" that opens the day', async () => {
    const at = (h: number) => `${today()}T${String(h).padStart(2, '0')}:00:00Z`;
    const backend = new FakeBackend(
      connectedWorld({ events: [event({ id: 'a', start: at(9), end: at(10) })], more: [{ date: today(), hidden: 3 }] }),
    );
    await start(backend);
    expect(backend.callsOf('month_view')[0].args.perDay).toBe(4);
    expect(backend.callsOf('events_in_range')).toHaveLength(0);
    const more = await screen.findByTestId('more-events');
    expect(more.getAttribute('aria-label')).toMatch(/^\+3 more events on \d{1,2} [A-Z][a-z]+$/);
    expect(more.textContent).toBe('+3 more');
    expect(more.tabIndex).toBe(0);
    // Not an event: the e2e specs' event selector never finds it.
    expect(screen.getAllByTestId('calendar-event')).toHaveLength(1);
    await fireEvent.keyDown(more, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('calendar-view').dataset.view).toBe('day'));
    // The day view loads every event of the day.
    await waitFor(() => expect(backend.callsOf('events_in_range').length).toBeGreaterThan(0));
  });

  it('tells the shell when the first events are on screen', async () => {
    const at = (h: number) => `${today()}T${String(h).padStart(2, '0')}:00:00Z`;
    const backend = new FakeBackend(
      connectedWorld({ events: [event({ id: 'a', start: at(9), end: at(10) }), event({ id: 'b', start: at(11), end: at(12) })] }),
    );
    await start(backend);
    await screen.findAllByTestId('calendar-event');
    // (Said once a run: tests/firstMonth.test.ts.)
    await waitFor(() =>
      expect(backend.callsOf('first_month_shown').map((c) => c.args)).toContainEqual({ events: 2 }),
    );
  });

  it('follows sync events: progress bar, status, summary, and refetches on events://changed', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await backend.emit('sync://progress', {
      accountId: 'ada@example.com',
      calendarsTotal: 5,
      calendarsDone: 2,
      eventsFetched: 300,
      calendars: [],
    });
    await waitFor(() => expect(screen.getByTestId('sync-progress').getAttribute('aria-valuenow')).toBe('40'));
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Syncing 2 of 5 calendars · 300 events');

    const before = backend.callsOf('month_view').length;
    await backend.emit('events://changed', { accountId: 'ada@example.com', calendarIds: ['ada@example.com'] });
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(before));

    await backend.emit('sync://finished', {
      accountId: 'ada@example.com',
      events: 1240,
      calendars: 5,
      added: 1240,
      updated: 0,
      deleted: 0,
      durationMs: 1000,
    });
    await backend.emit('sync://status', {
      accountId: 'ada@example.com',
      state: 'up_to_date',
      lastSyncAt: nowDate().toISOString(),
      error: null,
      progress: null,
      pendingChanges: 0,
    });
    await waitFor(() => expect(screen.getByTestId('sync-summary').textContent).toBe('Synced 1,240 events from 5 calendars'));
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Up to date · Synced just now');
    expect(screen.queryByTestId('sync-progress')).toBeNull();

    // A late, complete progress report does not bring "Syncing" back.
    await backend.emit('sync://progress', {
      accountId: 'ada@example.com',
      calendarsTotal: 5,
      calendarsDone: 5,
      eventsFetched: 1240,
      calendars: [],
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByTestId('sync-status').dataset.state).toBe('up_to_date');
  });

  it('shows needs re-auth and reconnects', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await backend.emit('sync://status', {
      accountId: 'ada@example.com',
      state: 'needs_reauth',
      lastSyncAt: null,
      error: null,
      progress: null,
      pendingChanges: 0,
    });
    const button = await screen.findAllByTestId('reconnect-account');
    await fireEvent.click(button[0]);
    await waitFor(() => expect(backend.callsOf('reconnect_account')).toHaveLength(1));
    expect(backend.callsOf('reconnect_account')[0].args).toEqual({ accountId: 'ada@example.com' });
  });

  it('sync button and error Retry call sync_now', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await fireEvent.click(screen.getByTestId('sync-now'));
    await backend.emit('sync://status', {
      accountId: 'ada@example.com',
      state: 'error',
      lastSyncAt: null,
      error: { kind: 'offline', message: 'Google is unreachable', retryable: true },
      progress: null,
      pendingChanges: 2,
    });
    await fireEvent.click(await screen.findByTestId('sync-retry'));
    await waitFor(() => expect(backend.callsOf('sync_now')).toHaveLength(2));
    expect(backend.callsOf('sync_now').map((c) => c.args)).toEqual([{}, { accountId: 'ada@example.com' }]);
    expect(screen.getByTestId('sync-status-text').textContent).toBe('Sync failed: Google is unreachable');
  });

  it('toggles calendar visibility through set_calendar_selected and hides its events at once', async () => {
    const backend = new FakeBackend(
      connectedWorld({
        events: [
          event({ id: 'mine', start: `${today()}T09:00:00Z`, end: `${today()}T10:00:00Z` }),
          event({ id: 'hol', calendarId: 'holidays', readOnly: true, start: `${today()}T11:00:00Z`, end: `${today()}T12:00:00Z` }),
        ],
      }),
    );
    await start(backend);
    await waitFor(() => expect(screen.getAllByTestId('calendar-event')).toHaveLength(2));
    const fetches = backend.callsOf('month_view').length;
    const toggles = screen.getAllByTestId('calendar-toggle') as HTMLInputElement[];
    expect(toggles[0].checked).toBe(true);
    await fireEvent.click(toggles[0]);
    await waitFor(() => expect(backend.callsOf('set_calendar_selected')).toHaveLength(1));
    expect(backend.callsOf('set_calendar_selected')[0].args).toEqual({
      accountId: 'ada@example.com',
      calendarId: 'ada@example.com',
      selected: false,
    });
    await waitFor(() => expect(backend.callsOf('month_view').length).toBe(fetches + 1));
    await waitFor(() =>
      expect(screen.getAllByTestId('calendar-event').map((e) => e.dataset.eventId)).toEqual(['hol']),
    );
  });

  it('marks a calendar the server offers no incremental sync for, and only that one', async () => {
    const backend = new FakeBackend(
      connectedWorld({
        calendars: [
          calendar(),
          calendar({ id: 'shared', summary: 'Shared', primary: false, incrementalSync: false }),
        ],
      }),
    );
    await start(backend);
    const items = await screen.findAllByTestId('calendar-item');
    await waitFor(() => expect(items).toHaveLength(2));
    const marked = screen.getAllByTestId('calendar-full-sync');
    expect(marked).toHaveLength(1);
    expect(marked[0].closest('[data-testid="calendar-item"]')?.getAttribute('data-calendar-id')).toBe('shared');
    expect(marked[0].getAttribute('title')).toContain('no incremental sync');
  });

  it('switches views and navigates with the keyboard, and opens a new event with c', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    const view = () => screen.getByTestId('calendar-view').dataset.view;
    expect(view()).toBe('month');
    await fireEvent.keyDown(window, { key: 'w' });
    expect(view()).toBe('week');
    await fireEvent.keyDown(window, { key: 'a' });
    expect(view()).toBe('agenda');
    await fireEvent.keyDown(window, { key: 'd' });
    expect(view()).toBe('day');
    const title = screen.getByTestId('view-title').textContent;
    await fireEvent.keyDown(window, { key: 'ArrowRight' });
    await waitFor(() => expect(screen.getByTestId('view-title').textContent).not.toBe(title));
    await fireEvent.keyDown(window, { key: 'c' });
    expect(screen.getByTestId('event-dialog').dataset.mode).toBe('create');
    // Shortcuts are off while typing in the dialog; Escape closes it.
    await fireEvent.keyDown(screen.getByTestId('event-title'), { key: 'm' });
    expect(view()).toBe('day');
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('event-dialog')).toBeNull();
  });

  it('opens the palette with Ctrl+K, switches the view from it and lists the shortcuts with ?', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    const view = () => screen.getByTestId('calendar-view').dataset.view;
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true, metaKey: /mac/i.test(navigator.platform) });
    const input = await screen.findByTestId('palette-input');
    await fireEvent.input(input, { target: { value: 'week' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.queryByTestId('palette')).toBeNull();
    expect(view()).toBe('week');
    await fireEvent.keyDown(window, { key: '?' });
    const rows = screen.getAllByTestId('shortcut-row').map((r) => r.textContent ?? '');
    expect(rows.some((r) => r.includes('New event') && r.includes('c'))).toBe(true);
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByTestId('shortcut-help')).toBeNull();
  });

  it('creates an event through create_event with the form values', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await fireEvent.click(screen.getByTestId('nav-next'));
    await fireEvent.click(screen.getByTestId('new-event'));
    // On another month than today's: its first day at 09:00 in the display zone (UTC here).
    const shown = nowDate();
    const first = new Date(Date.UTC(shown.getUTCFullYear(), shown.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    expect((screen.getByTestId('event-start-date') as HTMLInputElement).value).toBe(first);
    expect((screen.getByTestId('event-start-time') as HTMLInputElement).value).toBe('09:00');
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'Lunch with Bob' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    await waitFor(() => expect(backend.callsOf('create_event')).toHaveLength(1));
    const { input } = backend.callsOf('create_event')[0].args as { input: Record<string, unknown> };
    expect(input).toMatchObject({
      accountId: 'ada@example.com',
      calendarId: 'ada@example.com',
      title: 'Lunch with Bob',
      allDay: false,
      timeZone: 'UTC',
    });
    await waitFor(() => expect(screen.queryByTestId('event-dialog')).toBeNull());
  });

  it('keeps the dialog open with the error when the shell rejects the edit', async () => {
    const backend = new FakeBackend(connectedWorld());
    backend.overrides.create_event = () => {
      throw { kind: 'forbidden', message: 'This calendar is read-only', retryable: false };
    };
    await start(backend);
    await fireEvent.click(screen.getByTestId('new-event'));
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'X' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    expect((await screen.findByTestId('event-form-error')).textContent).toBe('This calendar is read-only');
  });

  it('counts pending changes and conflicts and resolves from the panel', async () => {
    const backend = new FakeBackend(
      connectedWorld({
        changes: [{ id: 'o1', accountId: 'ada@example.com', calendarId: 'c', eventId: 'e', op: 'update', state: 'failed', error: null, title: 'T' }],
        conflicts: [{ id: 'k1', accountId: 'ada@example.com', calendarId: 'c', eventId: 'e', kind: 'both_changed', title: 'T', fields: [] }],
      }),
    );
    await start(backend);
    await waitFor(() => expect(screen.getByTestId('pending-button').textContent?.trim()).toBe('1 pending · 1 conflict'));
    await fireEvent.click(screen.getByTestId('pending-button'));
    await fireEvent.click(screen.getByTestId('pending-retry'));
    await fireEvent.click(screen.getByTestId('conflict-keep-theirs'));
    await waitFor(() => expect(backend.callsOf('resolve_conflict')).toHaveLength(1));
    expect(backend.callsOf('retry_change')[0].args).toEqual({ changeId: 'o1' });
    expect(backend.callsOf('resolve_conflict')[0].args).toEqual({ conflictId: 'k1', resolution: { kind: 'keep_theirs' } });

    backend.world.changes = [];
    await backend.emit('outbox://changed', { accountId: 'ada@example.com', pendingChanges: 0, conflicts: 1 });
    await waitFor(() => expect(screen.getByTestId('pending-empty')).toBeTruthy());
  });

  it('loads the calendars a run names as soon as it names them, not before', async () => {
    const backend = new FakeBackend(connectedWorld({ calendars: [] }));
    await start(backend);
    const before = backend.callsOf('list_calendars').length;
    const progress = { accountId: 'ada@example.com', calendarsTotal: 0, calendarsDone: 0, eventsFetched: 0, calendars: [] };
    // A run has begun: no calendar named yet, nothing to load.
    await backend.emit('sync://progress', progress);
    await new Promise((r) => setTimeout(r, 20));
    expect(backend.callsOf('list_calendars')).toHaveLength(before);
    // The calendar list is in: the run names its calendars, the sidebar loads them at once.
    backend.world.calendars = [calendar()];
    await backend.emit('sync://progress', {
      ...progress,
      calendarsTotal: 1,
      calendars: [{ calendarId: 'ada@example.com', summary: 'Ada', eventsFetched: 0, pages: 0, state: 'waiting', error: null }],
    });
    await waitFor(() => expect(backend.callsOf('list_calendars')).toHaveLength(before + 1));
    await waitFor(() => expect(screen.getByTestId('sidebar').textContent).toContain('Ada'));
  });

  it('goes to the date of a chronos://open deep link', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await backend.emit('navigate://date', { date: '2027-03-14' });
    await waitFor(() => expect(screen.getByTestId('calendar-view').dataset.view).toBe('day'));
    await waitFor(() => expect(screen.getByTestId('view-title').textContent).toMatch(/March 14, 2027/));
  });

  it('goes to the day of the link that started the app, asked for once the page listens', async () => {
    const backend = new FakeBackend(connectedWorld());
    backend.overrides.take_pending_navigation = () => ({ date: '2027-03-14' });
    await start(backend);
    await waitFor(() => expect(screen.getByTestId('calendar-view').dataset.view).toBe('day'));
    await waitFor(() => expect(screen.getByTestId('view-title').textContent).toMatch(/March 14, 2027/));
    expect(backend.callsOf('take_pending_navigation')).toHaveLength(1);
  });

  it('listens for day links before it asks for a held one, so none falls between', async () => {
    const backend = new FakeBackend(connectedWorld());
    // The shell holds nothing, and a link arrives just as the page asks: it comes as an event.
    backend.overrides.take_pending_navigation = () => {
      void backend.emit('navigate://date', { date: '2027-05-02' });
      return null;
    };
    await start(backend);
    await waitFor(() => expect(screen.getByTestId('view-title').textContent).toMatch(/May 2, 2027/));
  });

  it('opens an event, edits it through update_event, and moves it with move_event first', async () => {
    const backend = new FakeBackend(
      connectedWorld({
        calendars: [connectedWorld().calendars[0], { ...connectedWorld().calendars[0], id: 'team', summary: 'Team', primary: false }],
        events: [event({ id: 'e-9', title: 'Standup', start: `${today()}T09:00:00Z`, end: `${today()}T09:30:00Z` })],
      }),
    );
    await start(backend);
    await fireEvent.click(await screen.findByTestId('calendar-event'));
    expect(screen.getByTestId('event-dialog').dataset.mode).toBe('view');
    await fireEvent.click(screen.getByTestId('event-edit'));
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'Daily standup' } });
    await fireEvent.change(screen.getByTestId('event-calendar'), { target: { value: 'ada@example.com\u001fteam' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    await waitFor(() => expect(backend.callsOf('update_event')).toHaveLength(1));
    expect(backend.callsOf('move_event')[0].args).toEqual({
      accountId: 'ada@example.com',
      calendarId: 'ada@example.com',
      eventId: 'e-9',
      destinationCalendarId: 'team',
    });
    const args = backend.callsOf('update_event')[0].args as Record<string, any>;
    expect(args).toMatchObject({ accountId: 'ada@example.com', calendarId: 'team', eventId: 'e-9', sendUpdates: null });
    expect(args.input).toMatchObject({ title: 'Daily standup', calendarId: 'team', start: `${today()}T09:00:00Z` });
    const order = backend.calls.map((c) => c.cmd).filter((c) => c === 'move_event' || c === 'update_event');
    expect(order).toEqual(['move_event', 'update_event']);
  });

  it('deletes an event after confirmation', async () => {
    const backend = new FakeBackend(
      connectedWorld({ events: [event({ id: 'e-5', start: `${today()}T09:00:00Z`, end: `${today()}T10:00:00Z` })] }),
    );
    await start(backend);
    await fireEvent.click(await screen.findByTestId('calendar-event'));
    await fireEvent.click(screen.getByTestId('event-delete'));
    await fireEvent.click(screen.getByTestId('event-delete-confirm'));
    await waitFor(() => expect(backend.callsOf('delete_event')).toHaveLength(1));
    expect(backend.callsOf('delete_event')[0].args).toEqual({
      accountId: 'ada@example.com',
      calendarId: 'ada@example.com',
      eventId: 'e-5',
      sendUpdates: null,
    });
  });

  it('disconnects only after confirmation', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await fireEvent.click(screen.getByTestId('disconnect-account'));
    expect(backend.callsOf('disconnect_account')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('disconnect-confirm'));
    await waitFor(() => expect(backend.callsOf('disconnect_account')).toHaveLength(1));
    expect(backend.callsOf('disconnect_account')[0].args).toEqual({ accountId: 'ada@example.com' });
  });

  it('saves settings and rejects a bad push address inline', async () => {
    const backend = new FakeBackend(connectedWorld());
    await start(backend);
    await fireEvent.click(screen.getByTestId('open-settings'));
    await fireEvent.input(screen.getByTestId('settings-interval'), { target: { value: '15' } });
    await fireEvent.input(screen.getByTestId('settings-push-address'), { target: { value: 'http://insecure' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('error-push').textContent).toBe('Must be an https:// address');
    expect(backend.callsOf('set_settings')).toHaveLength(0);
    await fireEvent.input(screen.getByTestId('settings-push-address'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('settings-close-to-tray'));
    await fireEvent.change(screen.getByTestId('settings-log-level'), { target: { value: 'debug' } });
    await fireEvent.input(screen.getByTestId('settings-trash-days'), { target: { value: '0' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('error-trash-days').textContent).toBe('Between 1 and 365 days');
    await fireEvent.input(screen.getByTestId('settings-trash-days'), { target: { value: '60' } });
    await fireEvent.input(screen.getByTestId('settings-mass-events'), { target: { value: '10' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(backend.callsOf('set_settings')).toHaveLength(1));
    expect(backend.callsOf('set_settings')[0].args).toEqual({
      settings: {
        syncIntervalMinutes: 15,
        closeToTray: false,
        launchAtLogin: false,
        displayTimeZone: 'UTC',
        followAccountTimeZone: false,
        pushAddress: null,
        logLevel: 'debug',
        trashRetentionDays: 60,
        massDeletion: { maxEvents: 10, maxPercent: 20, minCalendarEvents: 25 },
        theme: 'system',
        locale: null,
        hourCycle: 'auto',
        weekStart: 'auto',
      },
    });
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).toBeNull());
  });

  it("follows the Google account's own time zone when chosen in Settings", async () => {
    const backend = new FakeBackend(connectedWorld({ accountZone: 'Asia/Kolkata' }));
    await start(backend);
    await fireEvent.click(screen.getByTestId('open-settings'));
    const mode = screen.getByTestId('settings-zone-mode') as HTMLSelectElement;
    expect(mode.value).toBe('custom');
    await waitFor(() => expect(mode.querySelector('option[value="account"]')!.textContent).toContain('Asia/Kolkata'));
    await fireEvent.change(mode, { target: { value: 'account' } });
    expect(screen.queryByTestId('settings-timezone')).toBeNull();
    expect(screen.getByTestId('settings-zone-account-hint').textContent).toContain('ada@example.com');
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(backend.callsOf('set_settings')).toHaveLength(1));
    expect(backend.callsOf('set_settings')[0].args).toMatchObject({
      settings: { followAccountTimeZone: true, displayTimeZone: null },
    });
    // Turning it on asks Google afresh, and new events start in the account's zone.
    await waitFor(() => expect(backend.callsOf('account_time_zone').some((c) => c.args.refresh === true)).toBe(true));
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).toBeNull());
    await fireEvent.click(screen.getByTestId('new-event'));
    await waitFor(() => expect((screen.getByTestId('event-timezone') as HTMLInputElement).value).toBe('Asia/Kolkata'));
  });

  it('starts in the saved account zone when the setting is on, and a custom zone needs a name', async () => {
    const backend = new FakeBackend(connectedWorld({ accountZone: 'Pacific/Auckland' }));
    backend.world.settings = { ...backend.world.settings, displayTimeZone: null, followAccountTimeZone: true };
    await start(backend);
    expect(backend.callsOf('account_time_zone')[0].args).toEqual({ refresh: false });
    // The date box says the day in view: today as it is in Auckland, not in UTC.
    const aucklandToday = () => DateTime.fromMillis(clockNow(), { zone: 'Pacific/Auckland' }).toISODate();
    await waitFor(() => expect((screen.getByTestId('goto-date') as HTMLInputElement).value).toBe(aucklandToday()));
    await fireEvent.click(screen.getByTestId('new-event'));
    expect((screen.getByTestId('event-timezone') as HTMLInputElement).value).toBe('Pacific/Auckland');
    await fireEvent.keyDown(window, { key: 'Escape' });
    await fireEvent.click(screen.getByTestId('open-settings'));
    await fireEvent.change(screen.getByTestId('settings-zone-mode'), { target: { value: 'custom' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect(screen.getByTestId('error-timezone').textContent).toBe('Choose a time zone');
    await fireEvent.input(screen.getByTestId('settings-timezone'), { target: { value: 'Mars/Base' } });
    expect(screen.getByTestId('error-timezone').textContent).toBe('Unknown time zone');
    expect(backend.callsOf('set_settings')).toHaveLength(0);
  });

  it("shows the shell's settings error beside its field", async () => {
    const backend = new FakeBackend(connectedWorld());
    backend.overrides.set_settings = () => {
      throw { kind: 'invalid_input', message: 'Unknown time zone Mars/Base', retryable: false, field: 'displayTimeZone' };
    };
    await start(backend);
    await fireEvent.click(screen.getByTestId('open-settings'));
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('error-timezone')).textContent).toBe('Unknown time zone Mars/Base');
    expect(screen.queryByTestId('settings-error')).toBeNull();
  });
});
