import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { defaultCalendar, formFieldOfError, newEventSlot } from '../src/lib/newEvent';
import { calendar } from './fakeBackend';

describe('defaultCalendar', () => {
  const primaryHidden = calendar({ id: 'me', primary: true, selected: false });
  const team = calendar({ id: 'team', primary: false, selected: true });
  const other = calendar({ id: 'other', primary: false, selected: true });

  it('prefers a shown primary, then any shown one', () => {
    const primaryShown = calendar({ id: 'me', primary: true, selected: true });
    expect(defaultCalendar([team, primaryShown])?.id).toBe('me');
    expect(defaultCalendar([primaryHidden, team, other])?.id).toBe('team');
  });

  it('takes a hidden one when none is shown, and none without a writable calendar', () => {
    const hidden = calendar({ id: 'side', primary: false, selected: false });
    expect(defaultCalendar([hidden, primaryHidden])?.id).toBe('me');
    expect(defaultCalendar([hidden])?.id).toBe('side');
    expect(defaultCalendar([])).toBeNull();
  });
});

describe('newEventSlot', () => {
  const zone = 'Europe/Berlin';
  const now = DateTime.fromISO('2026-03-10T10:20:30', { zone });

  it('takes the next full hour today', () => {
    const slot = { start: '2026-03-10T11:00:00+01:00', end: '2026-03-10T12:00:00+01:00', allDay: false };
    expect(newEventSlot('2026-03-10', now, zone)).toEqual(slot);
    expect(newEventSlot(null, now, zone)).toEqual(slot);
    expect(newEventSlot(undefined, now, zone)).toEqual(slot);
  });

  it('takes 09:00 on another day, in the display zone', () => {
    expect(newEventSlot('2026-03-30', now, zone)).toEqual({
      start: '2026-03-30T09:00:00+02:00',
      end: '2026-03-30T10:00:00+02:00',
      allDay: false,
    });
  });
});

describe('formFieldOfError', () => {
  it('names the form field of the shell’s input field', () => {
    expect(formFieldOfError('title', false)).toBe('title');
    expect(formFieldOfError('start', false)).toBe('startDate');
    expect(formFieldOfError('end', false)).toBe('endTime');
    expect(formFieldOfError('calendarId', true)).toBe('calendarId');
  });

  it('marks the end date of an all-day event, and nothing for an unknown or missing field', () => {
    expect(formFieldOfError('end', true)).toBe('endDate');
    expect(formFieldOfError('colorId', false)).toBeNull();
    expect(formFieldOfError(undefined, false)).toBeNull();
    expect(formFieldOfError(null, true)).toBeNull();
  });
});
