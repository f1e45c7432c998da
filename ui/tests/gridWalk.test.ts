import { expect, it } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, connectedWorld } from './fakeBackend';
import { nowDate } from '../src/lib/clock';
import { walkDay } from '../src/lib/gridDays';

const today = () => nowDate().toISOString().slice(0, 10);

it('walks the month grid by day with the arrows, one cell in the Tab order, and opens a day with Enter', async () => {
  new FakeBackend(connectedWorld({ events: [] }));
  const { container } = render(App);
  const start = await waitFor(() => {
    const stops = container.querySelectorAll<HTMLElement>('[data-testid="grid-day"][tabindex="0"]');
    expect(stops).toHaveLength(1);
    return stops[0];
  });
  expect(start.dataset.date).toBe(today());
  expect(start.getAttribute('aria-description')).toMatch(/\d{4}$/);
  start.focus();
  await fireEvent.keyDown(start, { key: 'ArrowRight' });
  const next = walkDay(today(), 'ArrowRight', 0);
  expect((document.activeElement as HTMLElement).dataset.date).toBe(next);
  expect(container.querySelectorAll('[data-testid="grid-day"][tabindex="0"]')).toHaveLength(1);
  // The window's own ArrowRight (next period) did not fire: still the same month on screen.
  expect(container.querySelector(`[data-testid="grid-day"][data-date="${today()}"]`)).not.toBeNull();

  await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
  await waitFor(() => expect(container.querySelector('[data-testid="calendar-view"]')?.getAttribute('data-view')).toBe('day'));
  await waitFor(() => expect(container.querySelector(`[data-testid="grid-day"][data-date="${next}"]`)).not.toBeNull());
});
