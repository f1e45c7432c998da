import { describe, expect, it } from 'vitest';
import { viewLoaders, type ViewSource } from '../src/lib/viewLoading';
import type { MonthView, TruncatedSeriesView } from '../src/api/types';
import { event } from './fakeBackend';

const cut: TruncatedSeriesView[] = [
  { accountId: 'ada@example.com', calendarId: 'ada@example.com', seriesId: 'daily', limit: 'series_occurrences', max: 1000 },
];

function source(truncated: boolean): { source: ViewSource; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    source: {
      async eventsInRange(from, to) {
        asked.push(`range ${from} ${to}`);
        return { events: [event({ id: 'a' }), event({ id: 'b' })], truncated: truncated ? cut : [] };
      },
      async monthView(from, to, perDay) {
        asked.push(`month ${from} ${to} ${perDay}`);
        return { events: [event({ id: 'm' })], more: [{ date: '2026-03-10', hidden: 2 }], truncated: truncated ? cut : [] } satisfies MonthView;
      },
    },
  };
}

describe('viewLoaders', () => {
  it('passes the range on, reports each answer’s count and says nothing of a whole answer', async () => {
    const { source: s, asked } = source(false);
    const counts: number[] = [];
    let notices = 0;
    const { loadEvents, loadMonth } = viewLoaders(s, (n) => counts.push(n), () => notices++);
    const events = await loadEvents('2026-03-09T00:00:00Z', '2026-03-16T00:00:00Z');
    expect(events.map((e) => e.id)).toEqual(['a', 'b']);
    const month = await loadMonth('2026-03-01T00:00:00Z', '2026-04-12T00:00:00Z', 4);
    expect(month.more).toEqual([{ date: '2026-03-10', hidden: 2 }]);
    expect(asked).toEqual(['range 2026-03-09T00:00:00Z 2026-03-16T00:00:00Z', 'month 2026-03-01T00:00:00Z 2026-04-12T00:00:00Z 4']);
    expect(counts).toEqual([2, 1]);
    expect(notices).toBe(0);
  });

  it('says so each time a repeating event was cut short', async () => {
    const { source: s } = source(true);
    let notices = 0;
    const { loadEvents, loadMonth } = viewLoaders(s, () => {}, () => notices++);
    await loadEvents('a', 'b');
    await loadMonth('a', 'b', 4);
    expect(notices).toBe(2);
  });
});
