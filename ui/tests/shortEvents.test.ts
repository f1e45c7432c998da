import { describe, expect, it } from 'vitest';
import { render, waitFor } from '@testing-library/svelte';
import CalendarView from '../src/components/CalendarView.svelte';
import { eventContentNodes, isCompactEvent, startTimeText } from '../src/lib/calendarEvents';
import { pinClock } from '../src/lib/clock';
import { calendar, event } from './fakeBackend';

const at = (iso: string) => new Date(iso);

describe('short events', () => {
  it('are compact in the time grids only, up to 45 minutes', () => {
    expect(isCompactEvent('timeGridWeek', at('2026-12-10T10:00:00Z'), at('2026-12-10T10:30:00Z'), false)).toBe(true);
    expect(isCompactEvent('timeGridDay', at('2026-12-10T10:00:00Z'), at('2026-12-10T10:15:00Z'), false)).toBe(true);
    expect(isCompactEvent('timeGridDay', at('2026-12-10T10:00:00Z'), at('2026-12-10T10:45:00Z'), false)).toBe(true);
    expect(isCompactEvent('timeGridDay', at('2026-12-10T10:00:00Z'), at('2026-12-10T11:00:00Z'), false)).toBe(false);
    expect(isCompactEvent('dayGridMonth', at('2026-12-10T10:00:00Z'), at('2026-12-10T10:30:00Z'), false)).toBe(false);
    expect(isCompactEvent('timeGridWeek', at('2026-12-10T00:00:00Z'), at('2026-12-10T00:30:00Z'), true)).toBe(false);
    // No end: FullCalendar's default hour.
    expect(isCompactEvent('timeGridWeek', at('2026-12-10T10:00:00Z'), null, false)).toBe(false);
  });

  it('show the start time and the title on one line', () => {
    expect(startTimeText('10:00 - 10:30')).toBe('10:00');
    expect(startTimeText('10:00')).toBe('10:00');
    const [body] = eventContentNodes(event({ title: 'Standup' }), '10:00 - 10:30', true) as HTMLElement[];
    expect(body.classList.contains('is-compact')).toBe(true);
    expect(body.textContent).toBe('10:00 Standup');
    const [long] = eventContentNodes(event({ title: 'Standup' }), '10:00 - 11:00') as HTMLElement[];
    expect(long.classList.contains('is-compact')).toBe(false);
    expect(long.textContent).toBe('10:00 - 11:00 Standup');
  });

  it('keep their title in the rendered week view', async () => {
    pinClock(Date.parse('2026-12-09T08:00:00Z'));
    const short = event({ id: 'short', title: 'Quick sync', start: '2026-12-10T10:00:00Z', end: '2026-12-10T10:30:00Z' });
    const long = event({ id: 'long', title: 'Workshop', start: '2026-12-11T13:00:00Z', end: '2026-12-11T15:00:00Z' });
    const { container } = render(CalendarView, {
      load: async () => [short, long],
      loadMonth: async () => ({ events: [], more: [] }),
      calendars: [calendar()],
      view: 'week',
      timeZone: 'UTC',
      canCreate: false,
      onselect: () => {},
      onopen: () => {},
      ontimechange: () => {},
      ondates: () => {},
      onerror: () => {},
    });
    const el = (id: string) => container.querySelector<HTMLElement>(`[data-testid="calendar-event"][data-event-id="${id}"]`);
    await waitFor(() => expect(el('short')).not.toBeNull());
    const body = el('short')!.querySelector('.chronos-event-body')!;
    expect(body.classList.contains('is-compact')).toBe(true);
    expect(body.textContent).toBe('10:00 Quick sync');
    await waitFor(() => expect(el('long')).not.toBeNull());
    expect(el('long')!.querySelector('.chronos-event-body')!.classList.contains('is-compact')).toBe(false);
    expect(el('long')!.textContent).toContain('Workshop');
  });
});
