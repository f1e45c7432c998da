// The calendar's locale, in one place. The core resolves it (the system's locale, or what
// Settings override: `resolved_locale`); FullCalendar formats its dates and times with that tag
// and clock, and the grid and the mini month start their weeks on its first day. Words drawn
// beside FullCalendar (the mini month, the day names read out) stay in English.

import type { FormatterInput } from '@fullcalendar/core';
import type { ResolvedLocale } from '../api/types';

/** Day names, month names and date formats of what is drawn beside FullCalendar. */
export const CALENDAR_LOCALE = 'en-US';

/** The first day of the week, as FullCalendar counts (0 = Sunday), until the core says. */
export const FIRST_DAY_OF_WEEK = 0;

/** The C locale's conventions (a 24-hour clock, weeks from Sunday), in English words. */
export const C_LOCALE: ResolvedLocale = { tag: CALENDAR_LOCALE, hour12: false, firstDay: FIRST_DAY_OF_WEEK };

/** FullCalendar's options that follow the locale. */
export function fullCalendarLocale(locale: ResolvedLocale): {
  locale: string;
  firstDay: number;
  eventTimeFormat: FormatterInput;
  slotLabelFormat: FormatterInput;
} {
  const time: FormatterInput = locale.hour12
    ? { hour: 'numeric', minute: '2-digit', hour12: true }
    : { hour: '2-digit', minute: '2-digit', hour12: false };
  return { locale: locale.tag, firstDay: locale.firstDay, eventTimeFormat: time, slotLabelFormat: time };
}
