import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import MiniMonth from '../src/components/MiniMonth.svelte';
import { pinClock } from '../src/lib/clock';
import { monthWeeks, moveDay, weekdayHeads } from '../src/lib/miniMonth';

const days = () =>
  within(screen.getByRole('grid'))
    .getAllByRole('button')
    .map((b) => b.dataset.date);
const dayButton = (name: string) => screen.getByRole('button', { name });

beforeEach(() => {
  // Late on the 11th in UTC: already the 12th in Auckland.
  pinClock(Date.parse('2026-12-11T15:30:00Z'));
});

describe('the mini month', () => {
  it('shows the weeks of December 2026 from Sunday, today marked and the week in view highlighted', () => {
    render(MiniMonth, {
      day: '2026-12-09',
      range: { start: '2026-12-06', end: '2026-12-13' },
      zone: 'UTC',
      onpick: () => {},
    });
    expect(screen.getByTestId('mini-month-title').textContent).toBe('December 2026');
    const shown = days();
    // Nov 29 (a Sunday) to Jan 2: five weeks.
    expect(shown).toHaveLength(35);
    expect(shown[0]).toBe('2026-11-29');
    expect(shown.at(-1)).toBe('2027-01-02');
    expect(screen.getAllByRole('columnheader').map((h) => h.getAttribute('abbr'))).toEqual([
      'Sunday',
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
    ]);
    const today = dayButton('Friday, December 11, 2026');
    expect(today.getAttribute('aria-current')).toBe('date');
    expect(screen.getAllByRole('button').filter((b) => b.getAttribute('aria-current'))).toHaveLength(1);
    const selected = screen.getAllByRole('gridcell').filter((c) => c.getAttribute('aria-selected') === 'true');
    expect(selected.map((c) => c.querySelector('button')!.dataset.date)).toEqual([
      '2026-12-06',
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
      '2026-12-12',
    ]);
    // One day is reachable with Tab: the day in view.
    const tabbable = screen.getAllByRole('button').filter((b) => b.dataset.date && b.tabIndex === 0);
    expect(tabbable.map((b) => b.dataset.date)).toEqual(['2026-12-09']);
  });

  it('shows February 2015 (four weeks, another year) and moves its month with ‹ ›', async () => {
    render(MiniMonth, { day: '2015-02-10', range: null, zone: 'UTC', onpick: () => {} });
    expect(screen.getByTestId('mini-month-title').textContent).toBe('February 2015');
    // Feb 1, 2015 is a Sunday and the 28th a Saturday: four whole weeks, nothing outside.
    expect(days()).toHaveLength(28);
    expect(days()[0]).toBe('2015-02-01');
    expect(days().at(-1)).toBe('2015-02-28');
    expect(screen.getAllByRole('button').filter((b) => b.classList.contains('outside'))).toHaveLength(0);
    expect(screen.queryByRole('button', { name: /December 11, 2026/ })).toBeNull();
    await fireEvent.click(screen.getByTestId('mini-month-prev'));
    expect(screen.getByTestId('mini-month-title').textContent).toBe('January 2015');
    // Jan 1, 2015 is a Thursday: Dec 28 to Jan 31, the days of December marked as outside.
    expect(days()[0]).toBe('2014-12-28');
    expect(dayButton('Sunday, December 28, 2014').classList.contains('outside')).toBe(true);
    await fireEvent.click(screen.getByTestId('mini-month-next'));
    await fireEvent.click(screen.getByTestId('mini-month-next'));
    expect(screen.getByTestId('mini-month-title').textContent).toBe('March 2015');
  });

  it('marks today as it is in the display zone', () => {
    render(MiniMonth, { day: '2026-12-09', range: null, zone: 'Pacific/Auckland', onpick: () => {} });
    // 15:30 UTC on the 11th is already the 12th in Auckland.
    expect(dayButton('Saturday, December 12, 2026').getAttribute('aria-current')).toBe('date');
    expect(dayButton('Friday, December 11, 2026').getAttribute('aria-current')).toBeNull();
  });

  it('moves between days with the keys, into the next month, and Enter or a click picks the day', async () => {
    const onpick = vi.fn();
    render(MiniMonth, { day: '2026-12-30', range: null, zone: 'UTC', onpick });
    const start = dayButton('Wednesday, December 30, 2026');
    start.focus();
    await fireEvent.keyDown(start, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(dayButton('Tuesday, December 29, 2026'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(dayButton('Tuesday, December 22, 2026'));
    expect(dayButton('Tuesday, December 22, 2026').tabIndex).toBe(0);
    expect(dayButton('Wednesday, December 30, 2026').tabIndex).toBe(-1);
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    // Dec 29 + 7 = Jan 5: the grid turns to January.
    expect(screen.getByTestId('mini-month-title').textContent).toBe('January 2027');
    expect(document.activeElement).toBe(dayButton('Tuesday, January 5, 2027'));
    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(dayButton('Saturday, January 9, 2027'));
    // Enter on a button is its click.
    await fireEvent.click(document.activeElement!);
    expect(onpick).toHaveBeenLastCalledWith('2027-01-09');
    await fireEvent.click(dayButton('Friday, January 1, 2027'));
    expect(onpick).toHaveBeenLastCalledWith('2027-01-01');
    expect(onpick).toHaveBeenCalledTimes(2);
  });

  it('keeps the arrow keys from the main view while it has them', async () => {
    const seen = vi.fn();
    window.addEventListener('keydown', seen);
    render(MiniMonth, { day: '2026-12-09', range: null, zone: 'UTC', onpick: () => {} });
    await fireEvent.keyDown(dayButton('Wednesday, December 9, 2026'), { key: 'ArrowRight' });
    await fireEvent.keyDown(dayButton('Thursday, December 10, 2026'), { key: 'x' });
    window.removeEventListener('keydown', seen);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen.mock.calls[0][0].key).toBe('x');
  });
});

describe('mini month dates', () => {
  it('starts weeks on the day asked for', () => {
    const monday = monthWeeks('2026-12', 1);
    expect(monday[0][0].iso).toBe('2026-11-30');
    expect(monday.at(-1)!.at(-1)!.iso).toBe('2027-01-03');
    expect(weekdayHeads(1)[0].long).toBe('Monday');
    expect(moveDay('2026-12-09', 'Home', 1)).toBe('2026-12-07');
    expect(moveDay('2026-12-09', 'Home', 0)).toBe('2026-12-06');
    expect(moveDay('2026-03-31', 'PageUp', 0)).toBe('2026-02-28');
    expect(moveDay('2026-12-09', 'Enter', 0)).toBeNull();
  });
});
