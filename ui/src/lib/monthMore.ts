// The month grid's own "+N more": the shell sends at most a few events a day and, per day, how
// many it left out; each such day gets one last entry in its cell that opens the day view.

import type { EventInput as FcEventInput } from '@fullcalendar/core';
import { DateTime } from 'luxon';
import type { DayMore } from '../api/types';

/** Events a month cell shows before "+N more" (the shell keeps this many a day). */
export const MONTH_PER_DAY = 4;

/** FullCalendar's order with our entries last in their day (`chronosMore` is unset on events). */
export const MONTH_EVENT_ORDER = ['chronosMore', 'start', '-duration', 'allDay', 'title'];

/** Only the month grid asks for more than a week at once. */
export function isMonthRange(start: Date, end: Date): boolean {
  return end.getTime() - start.getTime() > 8 * 86_400_000;
}

/** What assistive technology reads: "+3 more events on 5 December". */
export function moreLabel(more: DayMore): string {
  const day = DateTime.fromISO(more.date, { zone: 'UTC', locale: 'en-GB' }).toFormat('d MMMM');
  return `+${more.hidden} more ${more.hidden === 1 ? 'event' : 'events'} on ${day}`;
}

/** The short text in the cell. */
export function moreText(more: DayMore): string {
  return `+${more.hidden} more`;
}

/** The entry a day with events left out gets: last in its cell, not editable. */
export function moreEntry(more: DayMore): FcEventInput {
  return {
    id: `more\u001f${more.date}`,
    title: moreText(more),
    start: more.date,
    allDay: true,
    editable: false,
    startEditable: false,
    durationEditable: false,
    backgroundColor: 'transparent',
    borderColor: 'transparent',
    textColor: 'inherit',
    classNames: ['chronos-more'],
    extendedProps: { chronosMore: 1, more },
  };
}

/** The day an entry of ours stands for, or null for a real event. */
export function moreOf(extendedProps: Record<string, unknown>): DayMore | null {
  const more = extendedProps.more as DayMore | undefined;
  return extendedProps.chronosMore === 1 && more ? more : null;
}

/** Test hooks and the accessible name on the element FullCalendar made for our entry. */
export function decorateMoreElement(el: HTMLElement, more: DayMore): void {
  el.dataset.testid = 'more-events';
  el.dataset.date = more.date;
  el.setAttribute('aria-label', moreLabel(more));
  el.setAttribute('role', 'button');
  if (!el.hasAttribute('tabindex')) el.tabIndex = 0;
}

/** The cell's text: a text node only. */
export function moreContentNodes(more: DayMore): Node[] {
  const span = document.createElement('span');
  span.className = 'chronos-more-text';
  span.textContent = moreText(more);
  return [span];
}

/**
 * FullCalendar's own "+N more" (the all-day row of a week or day) is an <a> without href that
 * carries aria-expanded, which no generic element may: it is a button that opens a popover.
 */
export function decorateFcMoreLink(el: HTMLElement): void {
  if (!el.hasAttribute('role')) el.setAttribute('role', 'button');
  if (!el.hasAttribute('tabindex')) el.tabIndex = 0;
}
