// How a quick-add draft reads in its preview: when, and how it repeats.

import { DateTime } from 'luxon';
import type { QuickDraft } from '../api/types';

/** "Fri, Dec 11, 2026, 1:00 – 2:00 PM" or "Dec 24 – 26, 2026" (all-day; Google's end is the day after). */
export function draftWhen(d: QuickDraft, locale?: string): string {
  const opts = locale ? { locale } : {};
  if (d.when.kind === 'allDay') {
    const start = DateTime.fromISO(d.when.start, { zone: 'UTC', ...opts });
    const last = DateTime.fromISO(d.when.end, { zone: 'UTC', ...opts }).minus({ days: 1 });
    if (last <= start) return start.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY) + ' · all day';
    return `${start.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY)} – ${last.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY)} · all day`;
  }
  const start = DateTime.fromISO(d.when.start, { zone: d.zone, ...opts });
  const end = DateTime.fromISO(d.when.end, { zone: d.zone, ...opts });
  const sameDay = start.hasSame(end, 'day');
  const endText = sameDay ? end.toLocaleString(DateTime.TIME_SIMPLE) : end.toLocaleString(DateTime.DATETIME_MED_WITH_WEEKDAY);
  return `${start.toLocaleString(DateTime.DATETIME_MED_WITH_WEEKDAY)} – ${endText}`;
}

const DAY_NAMES: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
const UNIT: Record<string, [string, string]> = {
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
};

/** A rule as people say it ("every weekday", "every 2 weeks on Monday"); the rule itself otherwise. */
export function ruleText(rrule: string | null): string | null {
  if (!rrule) return null;
  const parts = Object.fromEntries(rrule.split(';').map((p) => p.split('=') as [string, string]));
  const unit = UNIT[parts.FREQ];
  if (!unit) return rrule;
  const n = Number(parts.INTERVAL ?? '1');
  const days = parts.BYDAY?.split(',') ?? [];
  if (parts.FREQ === 'WEEKLY' && n === 1 && days.join(',') === 'MO,TU,WE,TH,FR') return 'every weekday';
  let text = n === 1 ? `every ${unit[0]}` : `every ${n} ${unit[1]}`;
  if (days.length && days.every((d) => DAY_NAMES[d])) text += ` on ${days.map((d) => DAY_NAMES[d]).join(', ')}`;
  if (parts.COUNT) text += `, ${parts.COUNT} times`;
  if (parts.UNTIL) text += `, until ${parts.UNTIL.slice(0, 8).replace(/(\d{4})(\d{2})(\d{2})/, '$1-$2-$3')}`;
  return text;
}
