// Walking the main grid by day with the keyboard: one day cell is in the Tab order at a time
// (a roving tabindex), the arrows move it a day or a week, Home and End to the week's ends,
// Page Up and Down by a month; a move off the shown range brings its period into view.

import { inRange, moveDay } from './miniMonth';

/** The cells that stand for a whole day in each kind of view (not the all-day row of a week). */
export function dayCellSelector(viewType: string): string | null {
  if (viewType.startsWith('dayGrid')) return '.fc-daygrid-day[data-date]';
  if (viewType.startsWith('timeGrid')) return '.fc-timegrid-col[data-date]';
  return null;
}

/**
 * The day whose cell takes the Tab stop in a view showing `range`: the one walked to last if it
 * is shown, else the view's own day, else its first.
 */
export function rovingDay(walked: string | null, range: { start: string; end: string; day: string }): string {
  if (walked && inRange(walked, range)) return walked;
  return inRange(range.day, range) ? range.day : range.start;
}

/** Where a key takes the walk from `iso`, or null when it is not a walking key. */
export function walkDay(iso: string, key: string, firstDay: number): string | null {
  return moveDay(iso, key, firstDay);
}

/** Gives the cell of `day` the Tab stop and takes it from every other day cell in `root`. */
export function markRovingCell(root: ParentNode, selector: string, day: string): HTMLElement | null {
  let found: HTMLElement | null = null;
  for (const cell of root.querySelectorAll<HTMLElement>(selector)) {
    const mine = cell.dataset.date === day;
    cell.tabIndex = mine ? 0 : -1;
    if (mine) found = cell;
  }
  return found;
}
