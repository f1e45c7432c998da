// The mini month in the sidebar: a month's weeks, day names, and the moves its keys make.
// Dates are calendar dates ("YYYY-MM-DD"), computed in UTC so no zone shifts them.

import { DateTime } from 'luxon';
import { CALENDAR_LOCALE } from './calendarLocale';

export interface MiniDay {
  iso: string;
  day: number;
  /** False for the days of the weeks before and after that belong to the next or last month. */
  inMonth: boolean;
  /** What assistive technology reads: "Friday, December 11, 2026". */
  label: string;
}

const date = (iso: string) => DateTime.fromISO(iso, { zone: 'UTC', locale: CALENDAR_LOCALE });
const isoOf = (d: DateTime) => d.toISODate() as string;

/** "2026-12-11" → "2026-12". */
export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/** The month `n` months from `month` ("YYYY-MM"). */
export function shiftMonth(month: string, n: number): string {
  return monthOf(isoOf(date(`${month}-01`).plus({ months: n })));
}

/** "December 2026". */
export function monthTitle(month: string): string {
  return date(`${month}-01`).toLocaleString({ month: 'long', year: 'numeric' });
}

export function dayLabel(iso: string): string {
  return date(iso).toLocaleString({ weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
}

/** Days back from `d` to the start of its week; `firstDay` counts as FullCalendar does (0 = Sunday). */
function intoWeek(d: DateTime, firstDay: number): number {
  return (((d.weekday % 7) - firstDay) % 7 + 7) % 7;
}

/** The weeks that hold a day of `month`, each seven days from `firstDay`. */
export function monthWeeks(month: string, firstDay: number): MiniDay[][] {
  const first = date(`${month}-01`);
  const last = first.endOf('month').startOf('day');
  const weeks: MiniDay[][] = [];
  for (let start = first.minus({ days: intoWeek(first, firstDay) }); start <= last; start = start.plus({ weeks: 1 })) {
    weeks.push(
      Array.from({ length: 7 }, (_, i) => {
        const d = start.plus({ days: i });
        const iso = isoOf(d);
        return { iso, day: d.day, inMonth: monthOf(iso) === month, label: dayLabel(iso) };
      }),
    );
  }
  return weeks;
}

/** The column heads from `firstDay`: a short name shown and the full name read out. */
export function weekdayHeads(firstDay: number): { short: string; long: string }[] {
  // 2026-11-01 is a Sunday: day 0 as FullCalendar counts.
  const sunday = date('2026-11-01');
  return Array.from({ length: 7 }, (_, i) => {
    const d = sunday.plus({ days: (firstDay + i) % 7 });
    return { short: d.toLocaleString({ weekday: 'narrow' }), long: d.toLocaleString({ weekday: 'long' }) };
  });
}

/** Where a key moves the focused day in the grid, or null when the key is not a move. */
export function moveDay(iso: string, key: string, firstDay: number): string | null {
  const d = date(iso);
  switch (key) {
    case 'ArrowLeft':
      return isoOf(d.minus({ days: 1 }));
    case 'ArrowRight':
      return isoOf(d.plus({ days: 1 }));
    case 'ArrowUp':
      return isoOf(d.minus({ weeks: 1 }));
    case 'ArrowDown':
      return isoOf(d.plus({ weeks: 1 }));
    case 'Home':
      return isoOf(d.minus({ days: intoWeek(d, firstDay) }));
    case 'End':
      return isoOf(d.plus({ days: 6 - intoWeek(d, firstDay) }));
    case 'PageUp':
      return isoOf(d.minus({ months: 1 }));
    case 'PageDown':
      return isoOf(d.plus({ months: 1 }));
    default:
      return null;
  }
}

/** Whether `iso` falls in [start, end). */
export function inRange(iso: string, range: { start: string; end: string } | null): boolean {
  return !!range && iso >= range.start && iso < range.end;
}
