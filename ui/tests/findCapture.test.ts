import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, connectedWorld, event } from './fakeBackend';
import type { QuickAddPreview, SearchResults } from '../src/api/types';
import { groupHits } from '../src/lib/searchResults';
import { draftWhen, ruleText } from '../src/lib/quickAddText';

async function start(backend: FakeBackend) {
  render(App);
  await waitFor(() => expect(backend.callsOf('get_settings').length).toBe(1));
  await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
}

const standup = event({ id: 'ev1', title: 'Stand-up', start: '2026-11-25T09:00:00Z', end: '2026-11-25T09:30:00Z' });
const results: SearchResults = {
  hits: [
    {
      accountId: standup.accountId,
      calendarId: standup.calendarId,
      eventId: 'ev1',
      seriesId: null,
      title: 'Stand-up',
      start: '2026-11-25T09:00:00Z',
      end: '2026-11-25T09:30:00Z',
      allDay: false,
      color: '#039be5',
    },
    {
      accountId: standup.accountId,
      calendarId: standup.calendarId,
      eventId: 'h1',
      seriesId: null,
      title: 'Standing desk delivery',
      start: '2026-12-24',
      end: '2026-12-25',
      allDay: true,
      color: null,
    },
  ],
  total: 2,
};

describe('search results', () => {
  it('group by the day in the window’s zone, with a time or All day', () => {
    // 09:00 UTC is still the 25th in New York, and 18:00 on the 25th in Tokyo.
    const ny = groupHits(results.hits, 'America/New_York', 'en-US');
    expect(ny.map((g) => g.date)).toEqual(['2026-11-25', '2026-12-24']);
    expect(ny[0].hits[0].when).toBe('4:00 AM');
    expect(ny[1].hits[0].when).toBe('All day');
    const late = { ...results.hits[0], start: '2026-11-25T23:30:00Z', end: '2026-11-26T00:00:00Z' };
    expect(groupHits([late], 'Asia/Tokyo', 'en-US')[0].date).toBe('2026-11-26');
    expect(groupHits([late], 'America/Los_Angeles', 'en-US')[0].date).toBe('2026-11-25');
  });
});

describe('quick add text', () => {
  it('says the rule as people do', () => {
    expect(ruleText('FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR')).toBe('every weekday');
    expect(ruleText('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO')).toBe('every 2 weeks on Monday');
    expect(ruleText('FREQ=DAILY;COUNT=5')).toBe('every day, 5 times');
    expect(ruleText(null)).toBeNull();
  });

  it('shows all-day ranges to their last day, and times in the draft’s zone', () => {
    const base = { title: 'x', rrule: null, calendar: null, location: null, ambiguities: [] };
    expect(draftWhen({ ...base, zone: 'UTC', when: { kind: 'allDay', start: '2026-12-24', end: '2026-12-27' } }, 'en-US')).toBe(
      'Thu, Dec 24, 2026 – Sat, Dec 26, 2026 · all day',
    );
    const timed = draftWhen(
      { ...base, zone: 'Europe/Berlin', when: { kind: 'timed', start: '2026-12-11T07:10:00+01:00', end: '2026-12-11T09:45:00+01:00' } },
      'en-GB',
    );
    expect(timed).toMatch(/11 Dec 2026.*07:10.*09:45/);
  });
});

describe('App: find and capture', () => {
  it('searches from / and opens a hit on its day', async () => {
    const backend = new FakeBackend(connectedWorld({ events: [standup] }));
    backend.overrides.search_events = () => results;
    await start(backend);
    await fireEvent.keyDown(window, { key: '/' });
    const input = screen.getByTestId('search-input');
    expect(document.activeElement).toBe(input);
    await fireEvent.input(input, { target: { value: 'stand' } });
    await waitFor(() => expect(screen.getAllByTestId('search-hit')).toHaveLength(2));
    expect(backend.callsOf('search_events')[0].args).toMatchObject({ query: 'stand' });
    expect(screen.getByTestId('search-results').textContent).toContain('Standing desk delivery');
    // The page tells the shell how long the results took to be painted (the benchmark's figure).
    await waitFor(() => expect(backend.callsOf('search_shown').length).toBeGreaterThan(0));
    expect(backend.callsOf('search_shown')[0].args).toMatchObject({ hits: 2 });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('event-dialog')).toBeTruthy());
    expect(screen.getByTestId('calendar-view').dataset.view).toBe('day');
  });

  it('previews a quick-add line live and saves it', async () => {
    const backend = new FakeBackend(connectedWorld());
    const preview: QuickAddPreview = {
      draft: {
        title: 'Lunch with Ana',
        when: { kind: 'timed', start: '2026-11-26T13:00:00+00:00', end: '2026-11-26T14:00:00+00:00' },
        zone: 'UTC',
        rrule: null,
        calendar: null,
        location: 'Café Nero',
        ambiguities: [{ kind: 'timeWithoutMeridiem', text: '1', message: 'Read 1 as 1 PM' }],
      },
      target: { accountId: 'ada@example.com', calendarId: 'primary', name: 'Ada' },
      problem: null,
    };
    backend.overrides.quick_add_preview = () => preview;
    backend.overrides.quick_add = () => event({ id: 'q1', title: 'Lunch with Ana', pending: true });
    await start(backend);
    await fireEvent.keyDown(window, { key: 'q' });
    const input = screen.getByTestId('quick-add-input');
    await fireEvent.input(input, { target: { value: 'Lunch with Ana tomorrow 1 at Café Nero' } });
    await waitFor(() => expect(screen.getByTestId('quick-add-title').textContent).toBe('Lunch with Ana'));
    expect(screen.getByTestId('quick-add-target').textContent).toBe('Ada');
    expect(screen.getByTestId('quick-add-ambiguities').textContent).toContain('Read 1 as 1 PM');
    await fireEvent.click(screen.getByTestId('quick-add-save'));
    await waitFor(() => expect(screen.queryByTestId('quick-add')).toBeNull());
    expect(backend.callsOf('quick_add')[0].args).toMatchObject({ text: 'Lunch with Ana tomorrow 1 at Café Nero' });
  });

  it('opens quick add for the tray: held while the page loaded, or as an event after', async () => {
    const backend = new FakeBackend(connectedWorld());
    backend.overrides.take_pending_navigation = () => ({ date: null, quickAdd: true });
    await start(backend);
    await screen.findByTestId('quick-add');
    await fireEvent.click(screen.getByTestId('dialog-close'));
    expect(screen.queryByTestId('quick-add')).toBeNull();
    await backend.emit('quickadd://open', {});
    await screen.findByTestId('quick-add');
  });
});
