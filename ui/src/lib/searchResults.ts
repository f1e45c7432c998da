// Search answers as the results list shows them: grouped by the day they fall on in the zone
// the window shows dates in, with a time or "All day" for each.

import { DateTime } from 'luxon';
import type { SearchHit } from '../api/types';

export interface HitGroup {
  /** The day, `YYYY-MM-DD`. */
  date: string;
  label: string;
  hits: { hit: SearchHit; when: string }[];
}

/** The day a hit is on: its date for all-day events, else its start in `zone`. */
export function hitDate(hit: SearchHit, zone: string): string {
  if (hit.allDay) return hit.start.slice(0, 10);
  return DateTime.fromISO(hit.start, { setZone: true }).setZone(zone).toISODate() ?? hit.start.slice(0, 10);
}

/** The hits in the core's order (by date), grouped by their day. */
export function groupHits(hits: SearchHit[], zone: string, locale?: string): HitGroup[] {
  const groups: HitGroup[] = [];
  for (const hit of hits) {
    const date = hitDate(hit, zone);
    let g = groups[groups.length - 1];
    if (!g || g.date !== date) {
      const label = DateTime.fromISO(date, { zone: 'UTC', locale }).toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
      g = { date, label, hits: [] };
      groups.push(g);
    }
    const start = DateTime.fromISO(hit.start, { setZone: true }).setZone(zone);
    const when = hit.allDay ? 'All day' : (locale ? start.setLocale(locale) : start).toLocaleString(DateTime.TIME_SIMPLE);
    g.hits.push({ hit, when });
  }
  return groups;
}
