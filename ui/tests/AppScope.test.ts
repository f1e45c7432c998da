import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { FakeBackend, connectedWorld, event } from './fakeBackend';
import { nowDate } from '../src/lib/clock';

const today = () => nowDate().toISOString().slice(0, 10);

function world() {
  return connectedWorld({
    events: [
      event({
        id: 'ser1_occ',
        recurringEventId: 'ser1',
        title: 'Standup',
        start: `${today()}T09:00:00Z`,
        end: `${today()}T09:30:00Z`,
      }),
    ],
  });
}

async function openOccurrence(backend: FakeBackend) {
  render(App);
  await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
  await fireEvent.click(await screen.findByTestId('calendar-event'));
}

describe('App — recurring occurrences', () => {
  it('sends the chosen scope with update_event after the discard warning', async () => {
    const backend = new FakeBackend(world());
    backend.overrides.preview_series_edit = () => 3;
    await openOccurrence(backend);
    await fireEvent.click(screen.getByTestId('event-edit'));
    await fireEvent.input(screen.getByTestId('event-title'), { target: { value: 'Daily standup' } });
    await fireEvent.click(screen.getByTestId('event-save'));
    await fireEvent.click(screen.getByTestId('scope-following'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    expect((await screen.findByTestId('scope-warning')).textContent?.trim()).toBe(
      '3 changed occurrences will be discarded',
    );
    expect(backend.callsOf('update_event')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    await waitFor(() => expect(backend.callsOf('update_event')).toHaveLength(1));
    const args = backend.callsOf('update_event')[0].args as Record<string, any>;
    expect(args).toMatchObject({ eventId: 'ser1_occ', scope: 'thisAndFollowing' });
    expect(args.input.title).toBe('Daily standup');
  });

  it('sends the chosen scope with delete_event', async () => {
    const backend = new FakeBackend(world());
    await openOccurrence(backend);
    await fireEvent.click(screen.getByTestId('event-delete'));
    await fireEvent.click(screen.getByTestId('scope-this'));
    await fireEvent.click(screen.getByTestId('scope-confirm'));
    await waitFor(() => expect(backend.callsOf('delete_event')).toHaveLength(1));
    expect(backend.callsOf('delete_event')[0].args).toEqual({
      accountId: 'ada@example.com',
      calendarId: 'ada@example.com',
      eventId: 'ser1_occ',
      sendUpdates: null,
      scope: 'this',
    });
    expect(backend.callsOf('preview_series_edit')).toHaveLength(0);
  });
});
