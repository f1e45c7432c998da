import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { pinClock } from '../src/lib/clock';
import { LastViewMemory } from '../src/lib/lastView.svelte';
import type { LastView } from '../src/api/types';
import { FakeBackend, connectedWorld } from './fakeBackend';

const goto = () => (screen.getByTestId('goto-date') as HTMLInputElement).value;
const shownView = () => screen.getByTestId('calendar-view').dataset.view;
const saves = (b: FakeBackend) => b.callsOf('set_last_view').map((c) => c.args.lastView);

beforeEach(() => pinClock(Date.parse('2026-12-11T15:30:00Z')));

describe('the last view', () => {
  it('opens on the view and day the last run left', async () => {
    const backend = new FakeBackend(connectedWorld({ lastView: { view: 'week', date: '2027-01-15' } }));
    render(App);
    await waitFor(() => expect(backend.callsOf('events_in_range').length).toBeGreaterThan(0));
    expect(backend.callsOf('month_view')).toHaveLength(0);
    expect(shownView()).toBe('week');
    expect(screen.getByTestId('view-week').getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(goto()).toBe('2027-01-15'));
    expect(backend.callsOf('events_in_range')[0].args.from).toMatch(/^2027-01-10/);
    // Opening where it was saved is not a change to save.
    expect(saves(backend)).toEqual([]);

    await fireEvent.click(screen.getByTestId('nav-next'));
    // The next week opens on its first day.
    await waitFor(() => expect(saves(backend)).toEqual([{ view: 'week', date: '2027-01-17' }]));
    await fireEvent.click(screen.getByTestId('view-day'));
    await waitFor(() => expect(saves(backend).at(-1)).toEqual({ view: 'day', date: '2027-01-17' }));
    expect(backend.world.lastView).toEqual({ view: 'day', date: '2027-01-17' });
  });

  it('opens on this month, today, on a first start or when the shell cannot say', async () => {
    for (const failing of [false, true]) {
      const backend = new FakeBackend(connectedWorld());
      if (failing) {
        backend.overrides.get_last_view = () => {
          throw { kind: 'internal', message: 'no', retryable: false };
        };
      }
      const { unmount } = render(App);
      await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
      await waitFor(() => expect(goto()).toBe('2026-12-11'));
      expect(shownView()).toBe('month');
      // The first start's view is kept for the next one.
      await waitFor(() => expect(saves(backend)).toEqual([{ view: 'month', date: '2026-12-11' }]));
      unmount();
    }
  });
});

describe('LastViewMemory', () => {
  it('saves changes one after another, the newest last, and only after reading', async () => {
    const written: LastView[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((r) => (release = r));
    const memory = new LastViewMemory({
      getLastView: async () => null,
      setLastView: async (l) => {
        if (written.length === 0) await slow;
        written.push(l);
      },
    });
    memory.remember('week', '2026-12-01');
    expect(memory.date).toBeNull();
    await memory.load(() => {});
    memory.remember('week', '2026-12-01');
    memory.remember('week', '2026-12-01');
    memory.remember('day', '2026-12-02');
    memory.remember('day', 'not a day');
    expect(memory.date).toBe('2026-12-02');
    release();
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(written).toEqual([
      { view: 'week', date: '2026-12-01' },
      { view: 'day', date: '2026-12-02' },
    ]);
  });
});
