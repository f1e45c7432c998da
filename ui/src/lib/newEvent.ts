// Where a new event goes and when it starts, and which form field a refused save points at.

import { DateTime } from 'luxon';
import type { CalendarView } from '../api/types';

/** The calendar a new event goes in: a shown one, the primary first; else any writable one. */
export function defaultCalendar(writable: CalendarView[]): CalendarView | null {
  const shown = writable.filter((c) => c.selected);
  return shown.find((c) => c.primary) ?? shown[0] ?? writable.find((c) => c.primary) ?? writable[0] ?? null;
}

/**
 * The hour a new event takes on `day` (the view's, else today): today the next full hour,
 * another day 09:00 there. `now` is in the display zone `zone`.
 */
export function newEventSlot(
  day: string | null | undefined,
  now: DateTime,
  zone: string,
): { start: string; end: string; allDay: false } {
  const today = now.toISODate();
  const on = day ?? today;
  const start = on === today ? now.plus({ hours: 1 }).startOf('hour') : DateTime.fromISO(`${on}T09:00`, { zone });
  return {
    start: start.toISO({ suppressMilliseconds: true }) ?? '',
    end: start.plus({ hours: 1 }).toISO({ suppressMilliseconds: true }) ?? '',
    allDay: false,
  };
}

/** The edit form's field for the shell's input field. */
const FIELD_OF_INPUT: Record<string, string> = {
  title: 'title',
  start: 'startDate',
  end: 'endTime',
  timeZone: 'timeZone',
  calendarId: 'calendarId',
  reminders: 'reminders',
};

/** The form field a refused save marks, for the shell's `field` (an all-day end is a date). */
export function formFieldOfError(field: string | null | undefined, allDay: boolean): string | null {
  const formField = field ? (FIELD_OF_INPUT[field] ?? null) : null;
  return formField === 'endTime' && allDay ? 'endDate' : formField;
}
