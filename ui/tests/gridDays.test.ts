import { describe, expect, it } from 'vitest';
import { dayCellSelector, markRovingCell, rovingDay, walkDay } from '../src/lib/gridDays';

const DECEMBER = { start: '2026-11-29', end: '2027-01-10', day: '2026-12-05' };

describe('walking the grid by day', () => {
  it('moves a day with left and right, a week with up and down, across months and years', () => {
    expect(walkDay('2026-12-05', 'ArrowRight', 0)).toBe('2026-12-06');
    expect(walkDay('2026-12-01', 'ArrowLeft', 0)).toBe('2026-11-30');
    expect(walkDay('2026-12-29', 'ArrowDown', 0)).toBe('2027-01-05');
    expect(walkDay('2026-12-05', 'ArrowUp', 0)).toBe('2026-11-28');
    expect(walkDay('2026-12-05', 'Enter', 0)).toBeNull();
  });
  it('goes to the ends of the week as the week is laid out', () => {
    // 2026-12-05 is a Saturday.
    expect(walkDay('2026-12-05', 'Home', 0)).toBe('2026-11-29');
    expect(walkDay('2026-12-05', 'End', 0)).toBe('2026-12-05');
    expect(walkDay('2026-12-05', 'Home', 1)).toBe('2026-11-30');
    expect(walkDay('2026-12-05', 'End', 1)).toBe('2026-12-06');
  });
  it('moves by a month with Page Up and Down, clamped to the month\'s last day', () => {
    expect(walkDay('2027-01-31', 'PageDown', 0)).toBe('2027-02-28');
    expect(walkDay('2026-12-05', 'PageUp', 0)).toBe('2026-11-05');
  });
});

describe('the Tab stop among the days', () => {
  it('stays on the day walked to while it is shown, else goes to the view\'s day, else its first', () => {
    expect(rovingDay('2026-12-24', DECEMBER)).toBe('2026-12-24');
    expect(rovingDay('2027-02-01', DECEMBER)).toBe('2026-12-05');
    expect(rovingDay(null, DECEMBER)).toBe('2026-12-05');
    expect(rovingDay(null, { start: '2026-12-06', end: '2026-12-13', day: '2026-12-05' })).toBe('2026-12-06');
  });
  it('is on exactly one cell', () => {
    const root = document.createElement('table');
    root.innerHTML = ['2026-12-04', '2026-12-05', '2026-12-06']
      .map((d) => `<td class="fc-daygrid-day" data-date="${d}"></td>`)
      .join('');
    const cell = markRovingCell(root, dayCellSelector('dayGridMonth')!, '2026-12-05');
    expect(cell?.dataset.date).toBe('2026-12-05');
    expect([...root.querySelectorAll('td')].map((td) => td.tabIndex)).toEqual([-1, 0, -1]);
  });
  it('walks whole days: month cells, week and day columns, not the agenda', () => {
    expect(dayCellSelector('dayGridMonth')).toBe('.fc-daygrid-day[data-date]');
    expect(dayCellSelector('timeGridWeek')).toBe('.fc-timegrid-col[data-date]');
    expect(dayCellSelector('listWeek')).toBeNull();
  });
});
