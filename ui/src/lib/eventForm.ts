// The edit form's model: what the fields hold, how they are checked, and how they map to and
// from the boundary types. Times are edited as wall-clock values in the form's time zone.

import { DateTime } from 'luxon';
import type { EventInput, EventView, ReminderMethod, Reminders } from '../api/types';
import { htmlToPlainText } from './sanitize';

export interface ReminderRow {
  method: ReminderMethod;
  minutes: number;
}

export interface EventForm {
  accountId: string;
  calendarId: string;
  title: string;
  allDay: boolean;
  /** YYYY-MM-DD */
  startDate: string;
  /** HH:mm (ignored when allDay) */
  startTime: string;
  /** YYYY-MM-DD; for all-day events the last day (inclusive), unlike Google's exclusive end */
  endDate: string;
  endTime: string;
  timeZone: string;
  description: string;
  location: string;
  colorId: string;
  useDefaultReminders: boolean;
  reminders: ReminderRow[];
}

export type FormErrors = Partial<Record<keyof EventForm | 'form', string>>;

/** Google allows reminders up to four weeks ahead. */
export const MAX_REMINDER_MINUTES = 40320;

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every zone this runtime knows, for the zone pickers; none where it cannot list them. */
export function supportedTimeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return DateTime.local().setZone(tz).isValid;
  } catch {
    return false;
  }
}

/** Checks the form; an empty result means it can be saved. */
export function validateEventForm(f: EventForm): FormErrors {
  const errors: FormErrors = {};
  if (!f.title.trim()) errors.title = 'Title is required';
  if (!f.calendarId) errors.calendarId = 'Choose a calendar';
  if (!f.allDay && !isValidTimeZone(f.timeZone)) errors.timeZone = `Unknown time zone “${f.timeZone}”`;

  const start = DateTime.fromISO(f.startDate);
  const end = DateTime.fromISO(f.endDate);
  if (!start.isValid) errors.startDate = 'Enter a start date';
  if (!end.isValid) errors.endDate = 'Enter an end date';
  if (!f.allDay) {
    if (!/^\d{2}:\d{2}$/.test(f.startTime)) errors.startTime = 'Enter a start time';
    if (!/^\d{2}:\d{2}$/.test(f.endTime)) errors.endTime = 'Enter an end time';
  }
  if (!errors.startDate && !errors.endDate && !errors.startTime && !errors.endTime && !errors.timeZone) {
    if (f.allDay) {
      if (end < start) errors.endDate = 'End must not be before start';
    } else {
      const s = zoned(f.startDate, f.startTime, f.timeZone);
      const e = zoned(f.endDate, f.endTime, f.timeZone);
      if (e <= s) errors.endTime = 'End must be after start';
    }
  }
  f.reminders.forEach((r) => {
    if (!Number.isInteger(r.minutes) || r.minutes < 0 || r.minutes > MAX_REMINDER_MINUTES) {
      errors.reminders = `Reminders are 0 to ${MAX_REMINDER_MINUTES} minutes before the event`;
    }
  });
  return errors;
}

function zoned(date: string, time: string, zone: string): DateTime {
  return DateTime.fromISO(`${date}T${time}`, { zone });
}

/**
 * A blank form for a new event over the calendar's selection [start, end). The strings are
 * FullCalendar's `startStr`/`endStr`: "YYYY-MM-DD" when all-day, else ISO with an offset.
 */
export function newEventForm(
  accountId: string,
  calendarId: string,
  startStr: string,
  endStr: string,
  allDay: boolean,
  timeZone: string,
): EventForm {
  const base = {
    accountId,
    calendarId,
    title: '',
    allDay,
    timeZone,
    description: '',
    location: '',
    colorId: '',
    useDefaultReminders: true,
    reminders: [],
  };
  if (allDay) {
    const s = DateTime.fromISO(startStr.slice(0, 10), { zone: 'UTC' });
    // Selection end is exclusive; the form shows the last day.
    const last = DateTime.fromISO(endStr.slice(0, 10), { zone: 'UTC' }).minus({ days: 1 });
    const e = last < s ? s : last;
    return { ...base, startDate: s.toISODate() ?? '', endDate: e.toISODate() ?? '', startTime: '09:00', endTime: '10:00' };
  }
  const s = DateTime.fromISO(startStr, { setZone: true }).setZone(timeZone);
  const e = DateTime.fromISO(endStr, { setZone: true }).setZone(timeZone);
  return {
    ...base,
    startDate: s.toISODate() ?? '',
    startTime: s.toFormat('HH:mm'),
    endDate: e.toISODate() ?? '',
    endTime: e.toFormat('HH:mm'),
  };
}

/** The form for editing an existing event; times shown in the event's own zone if it has one. */
export function formFromEvent(ev: EventView, fallbackZone: string): EventForm {
  const timeZone = ev.timeZone && isValidTimeZone(ev.timeZone) ? ev.timeZone : fallbackZone;
  let startDate: string, endDate: string, startTime: string, endTime: string;
  if (ev.allDay) {
    startDate = ev.start.slice(0, 10);
    const lastDay = DateTime.fromISO(ev.end.slice(0, 10), { zone: 'UTC' }).minus({ days: 1 });
    endDate = (lastDay.toISODate() ?? startDate) < startDate ? startDate : (lastDay.toISODate() ?? startDate);
    startTime = '09:00';
    endTime = '10:00';
  } else {
    const s = DateTime.fromISO(ev.start, { setZone: true }).setZone(timeZone);
    const e = DateTime.fromISO(ev.end, { setZone: true }).setZone(timeZone);
    startDate = s.toISODate() ?? '';
    endDate = e.toISODate() ?? '';
    startTime = s.toFormat('HH:mm');
    endTime = e.toFormat('HH:mm');
  }
  const reminders = ev.reminders;
  return {
    accountId: ev.accountId,
    calendarId: ev.calendarId,
    title: ev.title,
    allDay: ev.allDay,
    startDate,
    startTime,
    endDate,
    endTime,
    timeZone,
    description: htmlToPlainText(ev.description),
    location: ev.location ?? '',
    colorId: ev.colorId ?? '',
    useDefaultReminders: reminders ? reminders.useDefault : true,
    reminders: (reminders?.overrides ?? []).map((r) => ({ method: r.method, minutes: r.minutes })),
  };
}

/** The boundary value for a valid form (call validateEventForm first). */
export function formToInput(f: EventForm, original?: EventView): EventInput {
  let start: string, end: string;
  if (f.allDay) {
    start = f.startDate;
    end = DateTime.fromISO(f.endDate, { zone: 'UTC' }).plus({ days: 1 }).toISODate() ?? f.endDate;
  } else {
    start = zoned(f.startDate, f.startTime, f.timeZone).toISO({ suppressMilliseconds: true }) ?? '';
    end = zoned(f.endDate, f.endTime, f.timeZone).toISO({ suppressMilliseconds: true }) ?? '';
  }
  const reminders: Reminders = f.useDefaultReminders
    ? { useDefault: true, overrides: [] }
    : { useDefault: false, overrides: f.reminders.map((r) => ({ method: r.method, minutes: r.minutes })) };
  return {
    accountId: f.accountId,
    calendarId: f.calendarId,
    title: f.title.trim(),
    description: keptDescription(f.description, original),
    location: f.location.trim() === '' ? null : f.location.trim(),
    start,
    end,
    allDay: f.allDay,
    timeZone: f.allDay ? null : f.timeZone,
    colorId: f.colorId === '' ? null : f.colorId,
    attendees: original?.attendees ?? null,
    reminders,
  };
}

/** An EventInput with the same content as `ev` but new times (drag to move / resize). */
export function inputWithTimes(ev: EventView, start: string, end: string, allDay: boolean): EventInput {
  return {
    accountId: ev.accountId,
    calendarId: ev.calendarId,
    title: ev.title,
    description: ev.description ?? null,
    location: ev.location ?? null,
    start,
    end,
    allDay,
    timeZone: allDay ? null : (ev.timeZone ?? null),
    colorId: ev.colorId ?? null,
    attendees: ev.attendees ?? null,
    reminders: ev.reminders ?? null,
  };
}

/** An unchanged description keeps its original markup; an edited one is saved as plain text. */
function keptDescription(text: string, original?: EventView): string | null {
  if (original?.description && text === htmlToPlainText(original.description)) return original.description;
  return text === '' ? null : text;
}
