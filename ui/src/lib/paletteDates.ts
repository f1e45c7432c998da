// A date typed into the palette, written the ISO way (2027-03-01): what it is and how to say it.

import { DateTime } from 'luxon';

export function isoDateCommand(query: string, locale?: string): { iso: string; label: string } | null {
  const q = query.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(q)) return null;
  const d = DateTime.fromISO(q, { zone: 'UTC', locale });
  if (!d.isValid) return null;
  return { iso: q, label: d.toLocaleString(DateTime.DATE_HUGE) };
}
