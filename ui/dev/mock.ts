// Development only (`npm run dev`, then open /dev/mock.html): the UI against an in-memory
// backend, to work on layout without the Rust shell. Not part of the build.

import { FakeBackend, calendar, connectedWorld, event } from '../tests/fakeBackend';

const params = new URLSearchParams(location.search);
const day = new Date().toISOString().slice(0, 10);
const at = (d: number, h: number) => {
  const x = new Date(`${day}T00:00:00Z`);
  x.setUTCDate(x.getUTCDate() + d);
  x.setUTCHours(h);
  return x.toISOString().replace('.000', '');
};

const backend = new FakeBackend(
  connectedWorld({
    info: { demo: true, version: '0.1.0-dev', startupError: null },
    calendars: [
      calendar(),
      calendar({ id: 'team', summary: 'Team', primary: false, backgroundColor: '#e67c73', foregroundColor: '#1d1d1d' }),
      calendar({ id: 'holidays', summary: 'Holidays', accessRole: 'reader', primary: false, backgroundColor: '#0b8043' }),
    ],
    events: [
      event({ id: 'a', title: 'Standup', start: at(0, 9), end: at(0, 9).replace(':00:00Z', ':30:00Z') }),
      event({ id: 'b', title: 'Design review <b>not bold</b>', calendarId: 'team', start: at(1, 13), end: at(1, 14), pending: true }),
      event({
        id: 'c',
        title: 'Offsite planning',
        start: at(2, 10),
        end: at(2, 12),
        conflict: true,
        description: 'Agenda<br><b>1.</b> Budget <script>alert(1)</script><img src=x onerror=alert(2)> <a href="https://example.org">doc</a>',
      }),
      event({ id: 'd', title: 'Holiday', calendarId: 'holidays', allDay: true, start: at(3, 0).slice(0, 10), end: at(4, 0).slice(0, 10), readOnly: true }),
    ],
    statuses: [
      {
        accountId: 'ada@example.com',
        state: (params.get('state') as 'up_to_date') ?? 'up_to_date',
        lastSyncAt: new Date(Date.now() - 120_000).toISOString(),
        pendingChanges: 1,
        error: { kind: 'offline', message: 'Google is unreachable', retryable: true },
        progress: {
          accountId: 'ada@example.com',
          calendarsTotal: 5,
          calendarsDone: 2,
          eventsFetched: 1240,
          calendars: [
            { calendarId: 'a', summary: 'Ada', eventsFetched: 900, pages: 4, state: 'done', error: null },
            { calendarId: 'b', summary: 'Team', eventsFetched: 340, pages: 2, state: 'running', error: null },
            { calendarId: 'c', summary: 'Holidays', eventsFetched: 0, pages: 0, state: 'waiting', error: null },
          ],
        },
      },
    ],
    changes: [
      { id: 'o1', accountId: 'ada@example.com', calendarId: 'team', eventId: 'b', op: 'update', state: 'pending', error: null, title: 'Design review' },
    ],
    conflicts: [
      {
        id: 'k1',
        accountId: 'ada@example.com',
        calendarId: 'ada@example.com',
        eventId: 'c',
        title: 'Offsite planning',
        kind: 'both_changed',
        fields: [{ name: 'location', local: 'Berlin', server: 'Hamburg' }],
      },
    ],
  }),
);
if (params.get('world') === 'empty') {
  backend.world = { ...backend.world, accounts: [], calendars: [], events: [], statuses: [], changes: [], conflicts: [] };
}
(window as unknown as { backend: FakeBackend }).backend = backend;

await import('../src/main');

// Screenshots without a pointer: ?click=<css selector> clicks it once the view has loaded.
const click = params.get('click');
if (click) {
  click.split('|').forEach((sel, i) =>
    setTimeout(() => (document.querySelector(sel) as HTMLElement | null)?.click(), 800 + i * 300),
  );
}
