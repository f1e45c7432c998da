import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, connectedWorld, event } from './fakeBackend';
import { nowDate } from '../src/lib/clock';

async function start(backend: FakeBackend) {
  render(App);
  await waitFor(() => expect(backend.callsOf('get_settings').length).toBe(1));
  await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
}

/** Two events on today's date (the app's clock), an hour apart. */
function twoToday() {
  const day = nowDate().toISOString().slice(0, 10);
  return [
    event({ id: 'a1', title: 'First', start: `${day}T09:00:00Z`, end: `${day}T09:30:00Z` }),
    event({ id: 'a2', title: 'Second', start: `${day}T11:00:00Z`, end: `${day}T11:30:00Z` }),
  ];
}

describe('keys on the calendar’s events', () => {
  it('arrows walk the events without changing the period; Enter opens; Delete asks first', async () => {
    const backend = new FakeBackend(connectedWorld({ events: twoToday() }));
    await start(backend);
    const chips = await screen.findAllByTestId('calendar-event');
    const [first, second] = ['a1', 'a2'].map((id) => chips.find((c) => c.dataset.eventId === id)!);
    const title = screen.getByTestId('view-title').textContent;
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(second);
    await fireEvent.keyDown(second, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(first);
    expect(screen.getByTestId('view-title').textContent).toBe(title);

    await fireEvent.keyDown(first, { key: 'Delete' });
    const confirm = await screen.findByTestId('event-delete-confirm');
    expect(screen.getByTestId('event-dialog').textContent).toContain('First');
    expect(backend.callsOf('delete_event')).toHaveLength(0);
    await fireEvent.click(confirm);
    await waitFor(() => expect(backend.callsOf('delete_event')).toHaveLength(1));
    expect(backend.callsOf('delete_event')[0].args).toMatchObject({ eventId: 'a1' });
  });
});
