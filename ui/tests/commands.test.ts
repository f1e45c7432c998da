import { describe, expect, it, vi } from 'vitest';
import * as api from '../src/api/commands';
import { EVENT_NAMES, onEventsChanged, onNavigateDate, onSyncProgress, subscribeAll } from '../src/api/events';
import { FakeBackend, emptyWorld, settle } from './fakeBackend';
import type { EventInput } from '../src/api/types';

const input: EventInput = {
  accountId: 'ada@example.com',
  calendarId: 'cal',
  title: 'T',
  start: '2026-11-25T10:00:00Z',
  end: '2026-11-25T11:00:00Z',
  allDay: false,
};

describe('command wrappers', () => {
  const cases: [string, () => Promise<unknown>, string, Record<string, unknown>][] = [
    ['appInfo', () => api.appInfo(), 'app_info', {}],
    ['listAccounts', () => api.listAccounts(), 'list_accounts', {}],
    ['connectAccount', () => api.connectAccount(), 'connect_account', {}],
    ['reconnectAccount', () => api.reconnectAccount('a@x'), 'reconnect_account', { accountId: 'a@x' }],
    ['disconnectAccount', () => api.disconnectAccount('a@x'), 'disconnect_account', { accountId: 'a@x' }],
    ['listCalendars', () => api.listCalendars(), 'list_calendars', {}],
    ['listCalendars(account)', () => api.listCalendars('a@x'), 'list_calendars', { accountId: 'a@x' }],
    [
      'setCalendarSelected',
      () => api.setCalendarSelected('a@x', 'c1', false),
      'set_calendar_selected',
      { accountId: 'a@x', calendarId: 'c1', selected: false },
    ],
    [
      'setCalendarColor',
      () => api.setCalendarColor('a@x', 'c1', '#ff0000', '#ffffff'),
      'set_calendar_color',
      { accountId: 'a@x', calendarId: 'c1', backgroundColor: '#ff0000', foregroundColor: '#ffffff' },
    ],
    ['eventColors', () => api.eventColors('a@x'), 'event_colors', { accountId: 'a@x' }],
    [
      'eventsInRange',
      () => api.eventsInRange('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'),
      'events_in_range',
      { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    ],
    [
      'monthView',
      () => api.monthView('2026-11-30T00:00:00Z', '2027-01-11T00:00:00Z', 4),
      'month_view',
      { from: '2026-11-30T00:00:00Z', to: '2027-01-11T00:00:00Z', perDay: 4 },
    ],
    ['createEvent', () => api.createEvent(input), 'create_event', { input }],
    [
      'updateEvent',
      () => api.updateEvent('a@x', 'cal', 'e1', input, 'none'),
      'update_event',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1', input, sendUpdates: 'none' },
    ],
    [
      'updateEvent(no sendUpdates)',
      () => api.updateEvent('a@x', 'cal', 'e1', input),
      'update_event',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1', input, sendUpdates: null },
    ],
    [
      'moveEvent',
      () => api.moveEvent('a@x', 'cal', 'e1', 'cal2'),
      'move_event',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1', destinationCalendarId: 'cal2' },
    ],
    [
      'addMeet',
      () => api.addMeet('a@x', 'cal', 'e1'),
      'add_meet',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1' },
    ],
    [
      'deleteEvent',
      () => api.deleteEvent('a@x', 'cal', 'e1', 'all'),
      'delete_event',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1', sendUpdates: 'all' },
    ],
    [
      'updateEvent(scope)',
      () => api.updateEvent('a@x', 'cal', 'e1_20261125T090000Z', input, undefined, 'thisAndFollowing'),
      'update_event',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1_20261125T090000Z', input, sendUpdates: null, scope: 'thisAndFollowing' },
    ],
    [
      'deleteEvent(scope)',
      () => api.deleteEvent('a@x', 'cal', 'e1_20261125T090000Z', undefined, 'all'),
      'delete_event',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1_20261125T090000Z', sendUpdates: null, scope: 'all' },
    ],
    [
      'previewSeriesEdit',
      () => api.previewSeriesEdit('a@x', 'cal', 'e1_20261125T090000Z', null, 'all'),
      'preview_series_edit',
      { accountId: 'a@x', calendarId: 'cal', eventId: 'e1_20261125T090000Z', input: null, scope: 'all' },
    ],
    ['syncNow', () => api.syncNow(), 'sync_now', {}],
    ['syncNow(account)', () => api.syncNow('a@x'), 'sync_now', { accountId: 'a@x' }],
    ['syncStatus', () => api.syncStatus(), 'sync_status', {}],
    ['listPendingChanges', () => api.listPendingChanges(), 'list_pending_changes', {}],
    ['retryChange', () => api.retryChange('o1'), 'retry_change', { changeId: 'o1' }],
    ['discardChange', () => api.discardChange('o1'), 'discard_change', { changeId: 'o1' }],
    ['listConflicts', () => api.listConflicts(), 'list_conflicts', {}],
    [
      'resolveConflict',
      () => api.resolveConflict('k1', { kind: 'reapply_field', field: 'title' }),
      'resolve_conflict',
      { conflictId: 'k1', resolution: { kind: 'reapply_field', field: 'title' } },
    ],
    ['getSettings', () => api.getSettings(), 'get_settings', {}],
    ['accountTimeZone', () => api.accountTimeZone(), 'account_time_zone', { refresh: false }],
    ['accountTimeZone(refresh)', () => api.accountTimeZone(true), 'account_time_zone', { refresh: true }],
    ['openLogsFolder', () => api.openLogsFolder(), 'open_logs_folder', {}],
    ['openLink', () => api.openLink('https://example.org'), 'open_link', { url: 'https://example.org' }],
  ];

  it.each(cases)('%s invokes its command with camelCase args', async (_name, run, cmd, args) => {
    const backend = new FakeBackend(emptyWorld());
    await run();
    const calls = backend.callsOf(cmd);
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual(args);
    expect(backend.calls.filter((c) => c.cmd !== cmd)).toEqual([]);
  });

  it('set_settings sends the whole settings object and returns what the shell saved', async () => {
    const backend = new FakeBackend(emptyWorld());
    const s = { ...backend.world.settings, syncIntervalMinutes: 15 };
    await expect(api.setSettings(s)).resolves.toEqual(s);
    expect(backend.callsOf('set_settings')[0].args).toEqual({ settings: s });
  });

  it('rejects with the AppError the shell sent', async () => {
    const backend = new FakeBackend(emptyWorld());
    backend.overrides.sync_now = () => {
      throw { kind: 'offline', message: 'Google is unreachable', retryable: true };
    };
    // As the shell sends it: no `field` unless the input was at fault.
    await expect(api.syncNow()).rejects.toStrictEqual({
      kind: 'offline',
      message: 'Google is unreachable',
      retryable: true,
    });
    backend.overrides.sync_now = () => {
      throw { kind: 'invalid_input', message: 'no such account', retryable: false, field: 'accountId' };
    };
    await expect(api.syncNow()).rejects.toStrictEqual({
      kind: 'invalid_input',
      message: 'no such account',
      retryable: false,
      field: 'accountId',
    });
  });

  it('turns a plain string rejection into an internal AppError', async () => {
    const backend = new FakeBackend(emptyWorld());
    backend.overrides.list_accounts = () => {
      throw 'command list_accounts not found';
    };
    await expect(api.listAccounts()).rejects.toEqual({
      kind: 'internal',
      message: 'command list_accounts not found',
      retryable: false,
    });
  });
});

describe('event listeners', () => {
  it('deliver payloads of the named events', async () => {
    const backend = new FakeBackend(emptyWorld());
    const progress = vi.fn();
    const nav = vi.fn();
    const un1 = await onSyncProgress(progress);
    const un2 = await onNavigateDate(nav);
    const p = { accountId: 'a', calendarsTotal: 2, calendarsDone: 1, eventsFetched: 10, calendars: [] };
    await backend.emit('sync://progress', p);
    await backend.emit('navigate://date', { date: '2026-12-24' });
    expect(progress).toHaveBeenCalledWith(p);
    expect(nav).toHaveBeenCalledWith({ date: '2026-12-24' });
    un1();
    un2();
    await backend.emit('sync://progress', p);
    expect(progress).toHaveBeenCalledTimes(1);
  });

  it('subscribeAll wires several and removes them all', async () => {
    const backend = new FakeBackend(emptyWorld());
    const changed = vi.fn();
    const status = vi.fn();
    const off = await subscribeAll({ 'events://changed': changed, 'sync://status': status });
    await backend.emit('events://changed', { accountId: 'a', calendarIds: ['c'] });
    await settle(1);
    expect(changed).toHaveBeenCalledWith({ accountId: 'a', calendarIds: ['c'] });
    expect(status).not.toHaveBeenCalled();
    off();
    await backend.emit('events://changed', { accountId: 'a', calendarIds: [] });
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('names match the contract', () => {
    expect(Object.values(EVENT_NAMES).sort()).toEqual(
      [
        'events://changed',
        'health://mass-deletion',
        'navigate://date',
        'outbox://changed',
        'quickadd://open',
        'sync://finished',
        'sync://progress',
        'sync://status',
      ],
    );
    expect(typeof onEventsChanged).toBe('function');
  });
});
