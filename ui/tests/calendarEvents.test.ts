import { describe, expect, it } from 'vitest';
import { decorateEventElement, eventContentNodes, toCalendarEvent, visibleEvents } from '../src/lib/calendarEvents';
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

  it('hides events of calendars the user turned off', () => {
    const cals = [calendar({ id: 'a' }), calendar({ id: 'b', selected: false })];
    const evs = [event({ id: '1', calendarId: 'a' }), event({ id: '2', calendarId: 'b' }), event({ id: '3', calendarId: 'unknown' })];
    expect(visibleEvents(evs, cals).map((e) => e.id)).toEqual(['1', '3']);
  });
});
