// EventView → FullCalendar event objects, and the DOM for one event: text nodes only.

import type { EventInput as FcEventInput } from '@fullcalendar/core';
import type { CalendarView, EventView } from '../api/types';
import { contrastText, safeColor } from './colors';
import { kindClass, kindIcon, kindName } from './eventKinds';

export function eventKey(ev: Pick<EventView, 'accountId' | 'calendarId' | 'id'>): string {
  return `${ev.accountId}\u001f${ev.calendarId}\u001f${ev.id}`;
}

export function calendarKey(c: Pick<CalendarView, 'accountId' | 'id'>): string {
  return `${c.accountId}\u001f${c.id}`;
}

/** Events of calendars the user has hidden are dropped even before the shell refetches. */
export function visibleEvents(events: EventView[], calendars: CalendarView[]): EventView[] {
  const hidden = new Set(calendars.filter((c) => !c.selected).map(calendarKey));
  return events.filter((e) => !hidden.has(`${e.accountId}\u001f${e.calendarId}`));
}

export function toCalendarEvent(ev: EventView, calendar?: CalendarView): FcEventInput {
  const bg = safeColor(ev.color) ?? safeColor(calendar?.backgroundColor) ?? '#4a76d4';
  const fg = ev.color ? contrastText(bg) : (safeColor(calendar?.foregroundColor) ?? contrastText(bg));
  const classNames = ['chronos-event'];
  if (ev.pending) classNames.push('is-pending');
  if (ev.conflict) classNames.push('is-conflict');
  if (ev.readOnly) classNames.push('is-readonly');
  const kind = kindClass(ev);
  if (kind) classNames.push(kind);
  return {
    id: eventKey(ev),
    title: ev.title,
    start: ev.start,
    end: ev.end,
    allDay: ev.allDay,
    backgroundColor: bg,
    borderColor: bg,
    textColor: fg,
    // Dragging changes the time: only where the event's kind lets it.
    editable: !ev.readOnly && ev.editable.time,
    classNames,
    extendedProps: { view: ev },
  };
}

/** What assistive technology reads for an event. */
export function eventLabel(ev: EventView, timeText: string): string {
  const parts = [ev.title || '(no title)'];
  const kind = kindName(ev);
  if (kind) parts.push(kind);
  if (timeText) parts.push(timeText);
  if (ev.pending) parts.push('pending');
  if (ev.conflict) parts.push('conflict');
  if (ev.readOnly) parts.push('read-only');
  return parts.join(', ');
}

/** Why an event is marked, in words (a tooltip; the label carries the short form). */
export function eventStatusText(ev: Pick<EventView, 'pending' | 'conflict'>): string | null {
  if (ev.conflict) return 'Conflict: this event was changed here and on Google. Resolve it under Pending changes.';
  if (ev.pending) return 'Pending: this change has not reached Google yet.';
  return null;
}

/** Timed events up to this long are drawn on one line in the week and day grids. */
export const COMPACT_EVENT_MINUTES = 45;

/**
 * Whether a timed event in a time grid is too short for its time range and title on two lines:
 * it then shows "10:00 Title" on one line, so the title stays visible.
 */
export function isCompactEvent(viewType: string, start: Date | null, end: Date | null, allDay: boolean): boolean {
  if (allDay || !viewType.startsWith('timeGrid') || !start || !end) return false;
  return end.getTime() - start.getTime() <= COMPACT_EVENT_MINUTES * 60_000;
}

/** "10:00 - 10:30" → "10:00": the start alone (FullCalendar joins start and end with a dash). */
export function startTimeText(timeText: string): string {
  return timeText.split(/\s+[-–]\s+/)[0];
}

/**
 * The inside of an event element, built from text nodes (never HTML). `compact`: one line,
 * the start time and the title.
 */
export function eventContentNodes(ev: EventView, timeText: string, compact = false): Node[] {
  const wrap = document.createElement('div');
  wrap.className = compact ? 'chronos-event-body is-compact' : 'chronos-event-body';
  if (compact) timeText = startTimeText(timeText);
  if (ev.conflict) {
    const mark = document.createElement('span');
    mark.className = 'chronos-event-mark';
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = '⚠ ';
    wrap.append(mark);
  } else if (ev.pending) {
    const mark = document.createElement('span');
    mark.className = 'chronos-event-mark';
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = '↻ ';
    wrap.append(mark);
  }
  const icon = kindIcon(ev);
  if (icon) {
    const mark = document.createElement('span');
    mark.className = 'chronos-kind-icon';
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = `${icon} `;
    wrap.append(mark);
  }
  if (timeText) {
    const time = document.createElement('span');
    time.className = 'chronos-event-time';
    time.textContent = `${timeText} `;
    wrap.append(time);
  }
  const title = document.createElement('span');
  title.className = 'chronos-event-title';
  title.textContent = ev.title || '(no title)';
  wrap.append(title);
  return [wrap];
}

/** Test hooks and labels on the element FullCalendar created for an event. */
export function decorateEventElement(el: HTMLElement, ev: EventView, timeText: string): void {
  el.dataset.testid = 'calendar-event';
  el.dataset.eventId = ev.id;
  el.dataset.calendarId = ev.calendarId;
  el.dataset.accountId = ev.accountId;
  el.dataset.eventTitle = ev.title;
  el.dataset.pending = String(ev.pending);
  el.dataset.conflict = String(ev.conflict);
  el.dataset.eventType = ev.eventType;
  el.setAttribute('aria-label', eventLabel(ev, timeText));
  const status = eventStatusText(ev);
  if (status) el.title = status;
  else el.removeAttribute('title');
  if (!el.hasAttribute('tabindex')) el.tabIndex = 0;
  el.setAttribute('role', 'button');
}
