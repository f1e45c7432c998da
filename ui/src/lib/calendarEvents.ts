// EventView → FullCalendar event objects, and the DOM for one event: text nodes only.

import type { EventInput as FcEventInput } from '@fullcalendar/core';
import type { CalendarView, EventView } from '../api/types';
import { safeColor } from './colors';
import { eventColours } from './contrast';
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

/**
 * `page`: the window's background ("#rrggbb"), which a pending event's dimmed colour is mixed
 * with. The text colour is computed from the colour shown; the calendar's stored foreground is
 * kept where it reads at 4.5:1 on it.
 */
export function toCalendarEvent(ev: EventView, calendar?: CalendarView, page = '#ffffff'): FcEventInput {
  const own = safeColor(ev.color);
  const bg = own ?? safeColor(calendar?.backgroundColor) ?? '#4a76d4';
  const colours = eventColours(bg, own ? null : safeColor(calendar?.foregroundColor), ev.pending, page);
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
    backgroundColor: colours.background,
    borderColor: colours.border,
    textColor: colours.text,
    // Dragging changes the time: only where the event's kind lets it.
    editable: !ev.readOnly && ev.editable.time,
    classNames,
    extendedProps: { view: ev },
  };
}

/** An event's kind and state in words, read after its time and title (", focus time, pending"). */
export function eventStateWords(ev: Pick<EventView, 'pending' | 'conflict' | 'readOnly' | 'eventType'>): string {
  const parts: string[] = [];
  const kind = kindName(ev);
  if (kind) parts.push(kind);
  if (ev.pending) parts.push('pending');
  if (ev.conflict) parts.push('conflict');
  if (ev.readOnly) parts.push('read-only');
  return parts.map((p) => `, ${p}`).join('');
}

const BLOCKS = new Set(['DIV', 'P', 'TD', 'TH', 'TR', 'LI']);

/**
 * The name an element gets from its content, as one line: its text, what is hidden from
 * assistive technology left out, cells and blocks read apart.
 */
export function contentName(el: Element): string {
  let out = '';
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) out += node.textContent ?? '';
    else if (node instanceof Element && node.getAttribute('aria-hidden') !== 'true') {
      if (BLOCKS.has(node.tagName)) out += ' ';
      node.childNodes.forEach(walk);
    }
  };
  walk(el);
  return out.replace(/\s+/g, ' ').replace(/\s+,/g, ',').trim();
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
  // The state the marks and the dashed border show, in words for screen readers: the element is
  // named by its content, so the name starts with what it shows (time, then title).
  const words = eventStateWords(ev);
  if (words) {
    const state = document.createElement('span');
    state.className = 'sr-only';
    state.textContent = words;
    wrap.append(state);
  }
  return [wrap];
}

/**
 * Test hooks on the element FullCalendar created for an event; it is named by its content, and
 * the calendar's name is its description, read after the name.
 */
export function decorateEventElement(el: HTMLElement, ev: EventView, calendarName?: string | null): void {
  el.dataset.testid = 'calendar-event';
  el.dataset.eventId = ev.id;
  el.dataset.calendarId = ev.calendarId;
  el.dataset.accountId = ev.accountId;
  el.dataset.eventTitle = ev.title;
  el.dataset.pending = String(ev.pending);
  el.dataset.conflict = String(ev.conflict);
  el.dataset.eventType = ev.eventType;
  el.removeAttribute('aria-label');
  if (calendarName) el.setAttribute('aria-description', calendarName);
  else el.removeAttribute('aria-description');
  const status = eventStatusText(ev);
  if (status) el.title = status;
  else el.removeAttribute('title');
  if (!el.hasAttribute('tabindex')) el.tabIndex = 0;
  el.setAttribute('role', 'button');
}
