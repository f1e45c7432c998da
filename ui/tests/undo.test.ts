import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { keyAction } from '../src/lib/keyboard';
import { undoSentence } from '../src/lib/undoActions';
import { FakeBackend, connectedWorld, event } from './fakeBackend';
import { nowDate } from '../src/lib/clock';

describe('undo keys', () => {
  it('are Ctrl+Z and Ctrl+Shift+Z (⌘ on macOS), and leave a field its own undo', () => {
    expect(keyAction({ key: 'z', ctrlKey: true }, false, false)).toEqual({ kind: 'undo' });
    expect(keyAction({ key: 'Z', ctrlKey: true, shiftKey: true }, false, false)).toEqual({ kind: 'redo' });
    expect(keyAction({ key: 'z', metaKey: true }, false, true)).toEqual({ kind: 'undo' });
    expect(keyAction({ key: 'z', ctrlKey: true }, false, true)).toBeNull();
    const input = document.createElement('input');
    expect(keyAction({ key: 'z', ctrlKey: true, target: input }, false, false)).toBeNull();
    expect(keyAction({ key: 'z', ctrlKey: true }, true, false)).toBeNull();
  });

  it('say what was done and what was kept', () => {
    expect(undoSentence({ label: 'Deleted “Lunch”', redone: false, kept: [] })).toBe('Undone: Deleted “Lunch”');
    expect(undoSentence({ label: 'Changed “Lunch”', redone: true, kept: ['title'] })).toBe(
      'Redone: Changed “Lunch” (title changed elsewhere since, kept)',
    );
  });
});

describe('undo in the window', () => {
  it('offers Undo in the toast after a deletion, and the toast undoes it', async () => {
    const day = nowDate().toISOString().slice(0, 10);
    const ev = event({ id: 'e-5', title: 'Lunch', start: `${day}T09:00:00Z`, end: `${day}T10:00:00Z` });
    const backend = new FakeBackend(connectedWorld({ events: [ev], undoable: [] }));
    backend.overrides.delete_event = () => {
      backend.world.undoable = ['Deleted “Lunch”'];
      return null;
    };
    render(App);
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
    await fireEvent.click(await screen.findByTestId('calendar-event'));
    await fireEvent.click(screen.getByTestId('event-delete'));
    await fireEvent.click(screen.getByTestId('event-delete-confirm'));
    await waitFor(() => expect(backend.callsOf('delete_event')).toHaveLength(1));
    const toast = await screen.findByText('Deleted “Lunch”');
    expect(toast).toBeTruthy();
    await fireEvent.click(screen.getByTestId('toast-action'));
    await waitFor(() => expect(backend.callsOf('undo')).toHaveLength(1));
    await screen.findByText('Undone: Deleted “Lunch”');
  });

  it('undoes with Ctrl+Z and redoes with Ctrl+Shift+Z, and says when there is nothing', async () => {
    const backend = new FakeBackend(connectedWorld({ undoable: ['Moved “Gym”'] }));
    render(App);
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await screen.findByText('Undone: Moved “Gym”');
    await fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true });
    await screen.findByText('Redone: Moved “Gym”');
    backend.world.redoable = [];
    await fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true });
    await screen.findByText('Nothing to redo');
    expect(backend.callsOf('redo')).toHaveLength(2);
  });
});
