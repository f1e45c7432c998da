import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from '../src/App.svelte';
import { pinClock } from '../src/lib/clock';
import { FakeBackend, connectedWorld } from './fakeBackend';

const goto = () => (screen.getByTestId('goto-date') as HTMLInputElement).value;
const title = () => screen.getByTestId('view-title').textContent;
const highlighted = () =>
  screen
    .getAllByRole('gridcell')
    .filter((c) => c.getAttribute('aria-selected') === 'true')
    .map((c) => c.querySelector('button')!.dataset.date);

beforeEach(() => pinClock(Date.parse('2026-12-11T15:30:00Z')));

describe('the sidebar navigator and the date box', () => {
  it('start on today; a day picked in the mini month is shown in the main view and the date box', async () => {
    const backend = new FakeBackend(connectedWorld());
    render(App);
    await waitFor(() => expect(backend.callsOf('month_view').length).toBeGreaterThan(0));
    await waitFor(() => expect(goto()).toBe('2026-12-11'));
    expect(title()).toBe('December 2026');
    expect(screen.getByTestId('mini-month-title').textContent).toBe('December 2026');
    expect(highlighted()).toHaveLength(31);

    await fireEvent.click(screen.getByTestId('mini-month-next'));
    await fireEvent.click(screen.getByRole('button', { name: 'Friday, January 15, 2027' }));
    await waitFor(() => expect(title()).toBe('January 2027'));
    expect(goto()).toBe('2027-01-15');
    expect(highlighted()[0]).toBe('2027-01-01');

    // In the week view, the week in view is what the mini month highlights.
    await fireEvent.click(screen.getByTestId('view-week'));
    await waitFor(() => expect(highlighted()).toEqual([
      '2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13', '2027-01-14', '2027-01-15', '2027-01-16',
    ]));
    expect(goto()).toBe('2027-01-15');
    // The header's ‹ › move the mini month along with the view.
    await fireEvent.click(screen.getByTestId('nav-prev'));
    await waitFor(() => expect(highlighted()[0]).toBe('2027-01-03'));
    await fireEvent.click(screen.getByTestId('nav-prev'));
    await waitFor(() => expect(screen.getByTestId('mini-month-title').textContent).toBe('December 2026'));
  });
});
