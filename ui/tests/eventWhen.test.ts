import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from 'luxon';
import { whenText } from '../src/lib/eventWhen';
import { event } from './fakeBackend';

describe('whenText', () => {
  let locale: string;
  beforeEach(() => {
    locale = Settings.defaultLocale;
    Settings.defaultLocale = 'en-US';
  });
  afterEach(() => {
    Settings.defaultLocale = locale;
  });

  it('gives a timed event’s day and times in the zone', () => {
    const ev = event({ allDay: false, start: '2026-03-10T08:00:00Z', end: '2026-03-10T09:30:00Z' });
    expect(whenText(ev, 'Europe/Berlin')).toBe('Tue, Mar 10, 2026, 09:00 – 10:30 (Europe/Berlin)');
    expect(whenText(ev, 'America/New_York')).toBe('Tue, Mar 10, 2026, 04:00 – 05:30 (America/New_York)');
  });

  it('dates the end of a timed event that ends on another day', () => {
    const ev = event({ allDay: false, start: '2026-03-10T22:00:00Z', end: '2026-03-11T01:00:00Z' });
    // ICU spaces "1:00 AM" with a plain or a narrow no-break space, depending on its version.
    expect(whenText(ev, 'UTC')).toMatch(/^Tue, Mar 10, 2026, 22:00 – Mar 11, 2026, 1:00\sAM \(UTC\)$/);
  });

  it('gives an all-day event its day, or its first and last day', () => {
    expect(whenText(event({ allDay: true, start: '2026-03-10', end: '2026-03-11' }), 'Asia/Tokyo')).toBe('Tue, Mar 10, 2026 · all day');
    expect(whenText(event({ allDay: true, start: '2026-03-10', end: '2026-03-13' }), 'Asia/Tokyo')).toBe(
      'Tue, Mar 10, 2026 – Thu, Mar 12, 2026 · all day',
    );
  });
});
