import { describe, expect, it } from 'vitest';
import {
  formFromEvent,
  formToInput,
  inputWithTimes,
  newEventForm,
  supportedTimeZones,
  validateEventForm,
  type EventForm,
} from '../src/lib/eventForm';
import { event } from './fakeBackend';

function form(over: Partial<EventForm> = {}): EventForm {
  return {
    accountId: 'ada@example.com',
    calendarId: 'ada@example.com',
    title: 'Review',
    allDay: false,
    startDate: '2026-11-25',
    startTime: '10:00',
    endDate: '2026-11-25',
    endTime: '11:00',
    timeZone: 'Europe/Berlin',
    description: '',
    location: '',
    colorId: '',
    useDefaultReminders: true,
    reminders: [],
    ...over,
  };
}

describe('validateEventForm', () => {
  it('accepts a good form', () => {
    expect(validateEventForm(form())).toEqual({});
  });
  it('requires a title (whitespace is empty)', () => {
    expect(validateEventForm(form({ title: '   ' })).title).toBe('Title is required');
  });
  it('rejects an end before or equal to the start', () => {
    expect(validateEventForm(form({ endTime: '09:00' })).endTime).toBe('End must be after start');
    expect(validateEventForm(form({ endTime: '10:00' })).endTime).toBe('End must be after start');
    expect(validateEventForm(form({ endDate: '2026-11-24', endTime: '23:00' })).endTime).toBe(
      'End must be after start',
    );
  });
  it('lets an all-day event end on its start day but not before', () => {
    expect(validateEventForm(form({ allDay: true, endDate: '2026-11-25' }))).toEqual({});
    expect(validateEventForm(form({ allDay: true, endDate: '2026-11-24' })).endDate).toBe(
      'End must not be before start',
    );
  });
  it('rejects unknown time zones and missing dates', () => {
    expect(validateEventForm(form({ timeZone: 'Mars/Olympus' })).timeZone).toMatch(/Unknown time zone/);
    expect(validateEventForm(form({ startDate: '' })).startDate).toBe('Enter a start date');
  });
  it('bounds reminders', () => {
    const bad = form({ useDefaultReminders: false, reminders: [{ method: 'popup', minutes: -5 }] });
    expect(validateEventForm(bad).reminders).toMatch(/0 to 40320/);
    const ok = form({ useDefaultReminders: false, reminders: [{ method: 'popup', minutes: 30 }] });
    expect(validateEventForm(ok).reminders).toBeUndefined();
  });
});

describe('form ↔ boundary values', () => {
  it('writes timed events with the zone offset of that date', () => {
    const input = formToInput(form({ title: '  Review  ' }));
    expect(input.start).toBe('2026-11-25T10:00:00+01:00');
    expect(input.end).toBe('2026-11-25T11:00:00+01:00');
    expect(input.timeZone).toBe('Europe/Berlin');
    expect(input.title).toBe('Review');
    expect(input.reminders).toEqual({ useDefault: true, overrides: [] });
    const summer = formToInput(form({ startDate: '2026-07-01', endDate: '2026-07-01' }));
    expect(summer.start).toBe('2026-07-01T10:00:00+02:00');
  });

  it('writes all-day events with an exclusive end date and no zone', () => {
    const input = formToInput(form({ allDay: true, startDate: '2026-11-25', endDate: '2026-11-26' }));
    expect(input).toMatchObject({ start: '2026-11-25', end: '2026-11-27', allDay: true, timeZone: null });
  });

  it('reads an event back into the same form', () => {
    const ev = event({
      start: '2026-11-25T09:00:00Z',
      end: '2026-11-25T10:30:00Z',
      timeZone: 'Europe/Berlin',
      reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 15 }] },
      colorId: '5',
    });
    const f = formFromEvent(ev, 'UTC');
    expect(f).toMatchObject({
      startDate: '2026-11-25',
      startTime: '10:00',
      endTime: '11:30',
      timeZone: 'Europe/Berlin',
      colorId: '5',
      useDefaultReminders: false,
      reminders: [{ method: 'popup', minutes: 15 }],
    });
    const back = formToInput(f, ev);
    expect(Date.parse(back.start)).toBe(Date.parse(ev.start));
    expect(Date.parse(back.end)).toBe(Date.parse(ev.end));
  });

  it('shows an all-day event with its last day and writes it back unchanged', () => {
    const ev = event({ allDay: true, start: '2026-11-25', end: '2026-11-28' });
    const f = formFromEvent(ev, 'UTC');
    expect(f.endDate).toBe('2026-11-27');
    const back = formToInput(f, ev);
    expect([back.start, back.end]).toEqual(['2026-11-25', '2026-11-28']);
  });

  it('keeps an HTML description unless the text was edited', () => {
    const ev = event({ description: '<b>Agenda</b><br>item' });
    const f = formFromEvent(ev, 'UTC');
    expect(f.description).toBe('Agenda\nitem');
    expect(formToInput(f, ev).description).toBe('<b>Agenda</b><br>item');
    expect(formToInput({ ...f, description: 'Agenda\nitem 2' }, ev).description).toBe('Agenda\nitem 2');
  });

  it('makes a form from a calendar selection', () => {
    const timed = newEventForm('a', 'c', '2026-11-25T14:00:00+01:00', '2026-11-25T15:30:00+01:00', false, 'Europe/Berlin');
    expect(timed).toMatchObject({ startDate: '2026-11-25', startTime: '14:00', endTime: '15:30', title: '' });
    const days = newEventForm('a', 'c', '2026-11-25', '2026-11-27', true, 'Europe/Berlin');
    expect(days).toMatchObject({ allDay: true, startDate: '2026-11-25', endDate: '2026-11-26' });
  });

  it('keeps everything but the times when dragging', () => {
    const ev = event({ location: 'Room 1', colorId: '3', timeZone: 'UTC' });
    const input = inputWithTimes(ev, '2026-11-26T09:00:00Z', '2026-11-26T09:30:00Z', false);
    expect(input).toMatchObject({ title: 'Standup', location: 'Room 1', colorId: '3', start: '2026-11-26T09:00:00Z' });
  });
});

describe('supportedTimeZones', () => {
  it('lists the IANA zones the runtime knows', () => {
    const zones = supportedTimeZones();
    expect(zones).toContain('Europe/Berlin');
    expect(zones).toContain('America/New_York');
  });
});
