import { describe, expect, it } from 'vitest';
import {
  decorateEventElement,
  eventContentNodes,
  eventLabel,
  eventStatusText,
  toCalendarEvent,
  visibleEvents,
} from '../src/lib/calendarEvents';
import { calendar, event } from './fakeBackend';

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
    decorateEventElement(el, event({ id: 'abc', title: 'Lunch', pending: true }), '12:00');
    expect(el.getAttribute('data-testid')).toBe('calendar-event');
    expect(el.getAttribute('data-event-id')).toBe('abc');
    expect(el.getAttribute('data-event-title')).toBe('Lunch');
    expect(el.getAttribute('data-pending')).toBe('true');
    expect(el.getAttribute('aria-label')).toBe('Lunch, 12:00, pending');
  });

  it('marks an event with an open conflict where an end-to-end test and a screen reader find it', () => {
    const el = document.createElement('a');
    const ev = event({ id: 'c1', title: 'Budget review', conflict: true, pending: true });
    decorateEventElement(el, ev, '09:00');
    expect(el.getAttribute('data-conflict')).toBe('true');
    expect(el.getAttribute('data-pending')).toBe('true');
    expect(el.getAttribute('aria-label')).toBe('Budget review, 09:00, pending, conflict');
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
    decorateEventElement(el, event({ id: 'c1', title: 'Budget review' }), '09:00');
    expect(el.getAttribute('data-conflict')).toBe('false');
    expect(el.hasAttribute('title')).toBe(false);
    expect(el.getAttribute('aria-label')).toBe('Budget review, 09:00');
  });

  it('explains pending and conflicted events in words', () => {
    expect(eventStatusText(event({ pending: true }))).toMatch(/^Pending: /);
    expect(eventStatusText(event({ conflict: true }))).toMatch(/^Conflict: /);
    expect(eventStatusText(event())).toBeNull();
    expect(eventLabel(event({ title: '', conflict: true }), '')).toBe('(no title), conflict');
  });

  it("shows the colour the shell resolved from the account's palette, with readable text", () => {
    const fc = toCalendarEvent(event({ colorId: '5', color: '#123456' }), calendar({ backgroundColor: '#fbd75b' }));
    expect(fc.backgroundColor).toBe('#123456');
    expect(fc.borderColor).toBe('#123456');
    expect(fc.textColor).toBe('#ffffff');
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
