import { describe, expect, it } from 'vitest';
import {
  decorateEventElement,
  eventContentNodes,
  eventStateWords,
  eventStatusText,
  toCalendarEvent,
  contentName,
  visibleEvents,
} from '../src/lib/calendarEvents';
import { calendar, event } from './fakeBackend';
import { contrastRatio } from '../src/lib/contrast';

describe('calendar events', () => {
  it('marks pending, conflicted and read-only events', () => {
    const fc = toCalendarEvent(event({ pending: true, conflict: true, readOnly: true }), calendar());
    expect(fc.classNames).toEqual(['chronos-event', 'is-pending', 'is-conflict', 'is-readonly']);
    expect(fc.editable).toBe(false);
    expect(toCalendarEvent(event(), calendar()).classNames).toEqual(['chronos-event']);
    expect(toCalendarEvent(event(), calendar()).editable).toBe(true);
  });

  it("uses the event's colour, else the calendar's; rejects non-hex colours", () => {
    expect(toCalendarEvent(event({ color: '#fbd75b' }), calendar()).backgroundColor).toBe('#fbd75b');
    expect(toCalendarEvent(event(), calendar({ backgroundColor: '#0b8043' })).backgroundColor).toBe('#0b8043');
    const evil = toCalendarEvent(event({ color: 'red;background:url(http://x)' }), calendar({ backgroundColor: '#0b8043' }));
    expect(evil.backgroundColor).toBe('#0b8043');
  });

  it('renders titles as text, never as markup', () => {
    const nodes = eventContentNodes(event({ title: '<img src=x onerror=alert(1)><b>x</b>' }), '09:00');
    const host = document.createElement('div');
    host.append(...nodes);
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('b')).toBeNull();
    expect(host.querySelector('.chronos-event-title')?.textContent).toBe('<img src=x onerror=alert(1)><b>x</b>');
    expect(host.querySelector('.chronos-event-time')?.textContent).toBe('09:00 ');
  });

  it('shows a mark for pending and conflicted events', () => {
    const host = document.createElement('div');
    host.append(...eventContentNodes(event({ conflict: true }), ''));
    expect(host.querySelector('.chronos-event-mark')?.textContent).toBe('⚠ ');
    const host2 = document.createElement('div');
    host2.append(...eventContentNodes(event({ pending: true }), ''));
    expect(host2.querySelector('.chronos-event-mark')?.textContent).toBe('↻ ');
  });

  it('puts test hooks and a label on the element', () => {
    const el = document.createElement('a');
    const lunch = event({ id: 'abc', title: 'Lunch', pending: true });
    el.append(...eventContentNodes(lunch, '12:00 - 13:00', true));
    decorateEventElement(el, lunch, 'Work');
    expect(el.getAttribute('data-testid')).toBe('calendar-event');
    expect(el.getAttribute('data-event-id')).toBe('abc');
    expect(el.getAttribute('data-event-title')).toBe('Lunch');
    expect(el.getAttribute('data-pending')).toBe('true');
    // The visible text first, in its order (the ↻ mark is hidden from screen readers).
    expect(contentName(el)).toBe('12:00 Lunch, pending');
    expect(el.hasAttribute('aria-label')).toBe(false);
    expect(el.getAttribute('aria-description')).toBe('Work');
  });

  it('marks an event with an open conflict where an end-to-end test and a screen reader find it', () => {
    const el = document.createElement('a');
    const ev = event({ id: 'c1', title: 'Budget review', conflict: true, pending: true });
    el.append(...eventContentNodes(ev, '09:00 - 10:00'));
    decorateEventElement(el, ev);
    expect(el.getAttribute('data-conflict')).toBe('true');
    expect(el.getAttribute('data-pending')).toBe('true');
    expect(contentName(el)).toBe('09:00 - 10:00 Budget review, pending, conflict');
    expect(el.hasAttribute('aria-description')).toBe(false);
    expect(el.getAttribute('title')).toMatch(/^Conflict: .*Pending changes/);
    expect(el.getAttribute('role')).toBe('button');
    expect(el.tabIndex).toBe(0);
    // A conflict outranks pending for the visible mark.
    const host = document.createElement('div');
    host.append(...eventContentNodes(ev, ''));
    expect(host.querySelectorAll('.chronos-event-mark')).toHaveLength(1);
    expect(host.querySelector('.chronos-event-mark')?.textContent).toBe('⚠ ');
    expect(host.querySelector('.chronos-event-mark')?.getAttribute('aria-hidden')).toBe('true');
    expect(toCalendarEvent(ev, calendar()).classNames).toContain('is-conflict');

    // Re-rendered after the conflict is resolved: the marks go.
    el.replaceChildren(...eventContentNodes(event({ id: 'c1', title: 'Budget review' }), '09:00 - 10:00'));
    decorateEventElement(el, event({ id: 'c1', title: 'Budget review' }));
    expect(el.getAttribute('data-conflict')).toBe('false');
    expect(el.hasAttribute('title')).toBe(false);
    expect(contentName(el)).toBe('09:00 - 10:00 Budget review');
  });

  it('explains pending and conflicted events in words', () => {
    expect(eventStatusText(event({ pending: true }))).toMatch(/^Pending: /);
    expect(eventStatusText(event({ conflict: true }))).toMatch(/^Conflict: /);
    expect(eventStatusText(event())).toBeNull();
    expect(eventStateWords(event({ conflict: true, readOnly: true }))).toBe(', conflict, read-only');
    const untitled = document.createElement('a');
    untitled.append(...eventContentNodes(event({ title: '', conflict: true }), ''));
    expect(contentName(untitled)).toBe('(no title), conflict');
    // An agenda row: its time cell and its title cell, in that order.
    const row = document.createElement('tr');
    row.innerHTML = '<td>10:00 - 11:00</td><td><span aria-hidden="true">●</span></td><td>Lunch</td>';
    expect(contentName(row)).toBe('10:00 - 11:00 Lunch');
  });

  it("shows the colour the shell resolved from the account's palette, with readable text", () => {
    const fc = toCalendarEvent(event({ colorId: '5', color: '#123456' }), calendar({ backgroundColor: '#fbd75b' }));
    expect(fc.backgroundColor).toBe('#123456');
    expect(fc.borderColor).toBe('#123456');
    expect(fc.textColor).toBe('#ffffff');
    // Google's "cocoa" with its stored white (3.9:1): the text is computed instead.
    const cocoa = toCalendarEvent(event(), calendar({ backgroundColor: '#ac725e', foregroundColor: '#ffffff' }));
    expect(cocoa.textColor).toBe('#000000');
    // Pending: dimmed into the page, the text chosen for the dimmed colour, in either theme.
    for (const page of ['#ffffff', '#15181e']) {
      const pending = toCalendarEvent(event({ pending: true }), calendar({ backgroundColor: '#4986e7' }), page);
      expect(pending.borderColor).toBe('#4986e7');
      expect(contrastRatio(pending.textColor as string, pending.backgroundColor as string)).toBeGreaterThanOrEqual(4.5);
    }
    const light = toCalendarEvent(event({ colorId: '5', color: '#fbd75b' }), calendar());
    expect(light.textColor).toBe('#1d1d1d');
    // No colour of its own: the calendar's colours, text included.
    const plain = toCalendarEvent(event(), calendar({ backgroundColor: '#0b8043', foregroundColor: '#ffffff' }));
    expect([plain.backgroundColor, plain.textColor]).toEqual(['#0b8043', '#ffffff']);
  });

  it('hides events of calendars the user turned off', () => {
    const cals = [calendar({ id: 'a' }), calendar({ id: 'b', selected: false })];
    const evs = [event({ id: '1', calendarId: 'a' }), event({ id: '2', calendarId: 'b' }), event({ id: '3', calendarId: 'unknown' })];
    expect(visibleEvents(evs, cals).map((e) => e.id)).toEqual(['1', '3']);
  });
});
