// "5 min ago": how long ago a sync or a deletion happened, as sync health and the trash say it.

import { DateTime } from 'luxon';

/** `iso` relative to `now`, in the app's short English; '' for an unreadable time. */
export function relativeTime(iso: string | null | undefined, now: DateTime): string {
  if (!iso) return '';
  const then = DateTime.fromISO(iso);
  if (!then.isValid) return '';
  const seconds = Math.round(now.diff(then, 'seconds').seconds);
  const future = seconds < 0;
  const s = Math.abs(seconds);
  let text: string;
  // A time a little ahead is the two clocks' skew (the window's ticks every 30 s), not the future.
  if (s < 60 || (future && s < 300)) return 'just now';
  else if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 86_400) text = `${Math.floor(s / 3600)} h`;
  else {
    const days = Math.floor(s / 86_400);
    text = days === 1 ? '1 day' : `${days} days`;
  }
  return future ? `in ${text}` : `${text} ago`;
}
