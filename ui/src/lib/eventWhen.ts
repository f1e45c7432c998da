// When an event is, as its details line says it.

import { DateTime } from 'luxon';
import type { EventView } from '../api/types';

/**
 * "Tue, 10 Mar 2026 · all day" (or a span of days) for an all-day event; otherwise its start
 * day and times in `zone`, the end with its date when it ends on another day, and the zone.
 */
export function whenText(ev: EventView, zone: string): string {
  if (ev.allDay) {
    const s = DateTime.fromISO(ev.start.slice(0, 10));
    const last = DateTime.fromISO(ev.end.slice(0, 10)).minus({ days: 1 });
    const fmt = (d: DateTime) => d.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
    return last <= s ? `${fmt(s)} · all day` : `${fmt(s)} – ${fmt(last)} · all day`;
  }
  const s = DateTime.fromISO(ev.start, { setZone: true }).setZone(zone);
  const e = DateTime.fromISO(ev.end, { setZone: true }).setZone(zone);
  const day = s.toLocaleString(DateTime.DATE_MED_WITH_WEEKDAY);
  const sameDay = s.hasSame(e, 'day');
  return `${day}, ${s.toFormat('HH:mm')} – ${sameDay ? e.toFormat('HH:mm') : e.toLocaleString(DateTime.DATETIME_MED)} (${zone})`;
}
