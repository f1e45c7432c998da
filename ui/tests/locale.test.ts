// The window under en_US, en_GB and de_DE through the locale seam: the core's resolved locale
// (here the fake backend's `resolved_locale`), whatever locale this machine has.
import { describe, expect, it } from 'vitest';
import { render, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, connectedWorld, event } from './fakeBackend';
import { nowDate } from '../src/lib/clock';
import { fullCalendarLocale } from '../src/lib/calendarLocale';
import type { ResolvedLocale } from '../src/api/types';

const today = () => nowDate().toISOString().slice(0, 10);

const LOCALES: { name: string; locale: ResolvedLocale; firstColumn: string; firstHead: string; time: RegExp }[] = [
  { name: 'en_US', locale: { tag: 'en-US', hour12: true, firstDay: 0 }, firstColumn: 'fc-day-sun', firstHead: 'Sunday', time: /^9:00\sAM/ },
  { name: 'en_GB', locale: { tag: 'en-GB', hour12: false, firstDay: 1 }, firstColumn: 'fc-day-mon', firstHead: 'Monday', time: /^09:00/ },
  { name: 'de_DE', locale: { tag: 'de-DE', hour12: false, firstDay: 1 }, firstColumn: 'fc-day-mon', firstHead: 'Monday', time: /^09:00/ },
];

describe('the locale', () => {
  it("gives FullCalendar the locale's tag, first day and clock", () => {
    expect(fullCalendarLocale({ tag: 'en-US', hour12: true, firstDay: 0 })).toMatchObject({
      locale: 'en-US',
      firstDay: 0,
      eventTimeFormat: { hour12: true },
      slotLabelFormat: { hour12: true },
    });
    expect(fullCalendarLocale({ tag: 'de-DE', hour12: false, firstDay: 1 })).toMatchObject({
      locale: 'de-DE',
      firstDay: 1,
      eventTimeFormat: { hour: '2-digit', hour12: false },
    });
  });

  for (const { name, locale, firstColumn, firstHead, time } of LOCALES) {
    it(`under ${name}: weeks start on ${firstHead}, times read ${time}`, async () => {
      const ev = event({ id: 'e-1', title: 'Stand-up', start: `${today()}T09:00:00Z`, end: `${today()}T09:30:00Z` });
      new FakeBackend(connectedWorld({ events: [ev], locale }));
      const { container } = render(App);
      await waitFor(() => {
        const heads = container.querySelectorAll('[data-testid="calendar-view"] th.fc-col-header-cell');
        expect(heads[0]?.classList.contains(firstColumn)).toBe(true);
      });
      const mini = container.querySelectorAll('[data-testid="mini-month"] th');
      expect(mini[0].getAttribute('abbr')).toBe(firstHead);
      const shown = await waitFor(() => {
        const el = container.querySelector('[data-testid="calendar-event"] .chronos-event-time');
        expect(el).not.toBeNull();
        return el!.textContent!.trim();
      });
      expect(shown).toMatch(time);
    });
  }
});
