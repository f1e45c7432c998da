import { expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, connectedWorld, event } from './fakeBackend';
import { nowDate } from '../src/lib/clock';

const today = () => nowDate().toISOString().slice(0, 10);

it('keeps the test hooks of an event current when it changes in place', async () => {
  const ev = event({ id: 'e-1', title: 'Before', start: `${today()}T09:00:00Z`, end: `${today()}T10:00:00Z` });
  const backend = new FakeBackend(connectedWorld({ events: [ev] }));
  render(App);
  await waitFor(() => expect(screen.getByTestId('calendar-event').dataset.eventTitle).toBe('Before'));
  backend.world.events = [{ ...ev, title: 'After', pending: true }];
  await backend.emit('events://changed', { accountId: ev.accountId, calendarIds: [ev.calendarId] });
  await waitFor(() => expect(screen.getByTestId('calendar-event').textContent).toContain('After'));
  const el = screen.getByTestId('calendar-event');
  expect(el.dataset.eventTitle).toBe('After');
  expect(el.dataset.pending).toBe('true');
  // Named by its content: the new title, then its state in words.
  expect(el.textContent).toMatch(/After, pending$/);
});
