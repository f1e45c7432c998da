import { describe, expect, it } from 'vitest';
import {
  autoDeclineText,
  dayLabelNode,
  kindClass,
  kindIcon,
  kindName,
  sameLabels,
  splitWorkingLocations,
  workPlaceText,
} from '../src/lib/eventKinds';
import { contentName, eventContentNodes, toCalendarEvent } from '../src/lib/calendarEvents';
import { calendar, event } from './fakeBackend';

const office = event({
  id: 'w1',
  title: 'Office',
  eventType: 'workingLocation',
  allDay: true,
  start: '2026-12-07',
  end: '2026-12-08',
  workPlace: { kind: 'office', label: 'Berlin office' },
});
const home = event({ id: 'w2', title: 'Home', eventType: 'workingLocation', allDay: true, start: '2026-12-09', end: '2026-12-10', workPlace: { kind: 'home', label: null } });

describe('event kinds', () => {
  it('takes working locations out of the grid and labels their days', () => {
    const plain = event({ id: 'p' });
    const { grid, labels } = splitWorkingLocations([office, plain, home]);
    expect(grid.map((e) => e.id)).toEqual(['p']);
    expect(labels.get('2026-12-07')).toEqual([{ icon: '🏢', text: 'Office · Berlin office' }]);
    expect(labels.get('2026-12-09')).toEqual([{ icon: '🏠', text: 'Home' }]);
    expect(sameLabels(labels, splitWorkingLocations([office, home]).labels)).toBe(true);
    expect(sameLabels(labels, splitWorkingLocations([office]).labels)).toBe(false);
  });

  it('names places, custom ones by their label, as text only', () => {
    expect(workPlaceText(home)).toBe('Home');
    const custom = event({ eventType: 'workingLocation', title: 'x', workPlace: { kind: 'custom', label: '<b>Café</b>' } });
    expect(workPlaceText(custom)).toBe('<b>Café</b>');
    const node = dayLabelNode([{ icon: '📍', text: '<b>Café</b>' }]);
    expect(node.querySelector('b')).toBeNull();
    expect(node.textContent).toBe('📍 <b>Café</b>');
    expect(node.dataset.testid).toBe('working-location');
  });

  it('gives focus time, out of office, birthdays and Gmail events an icon, a pattern class and a name', () => {
    expect([kindIcon({ eventType: 'birthday' }), kindClass({ eventType: 'birthday' })]).toEqual(['🎂', 'is-birthday']);
    expect(kindClass({ eventType: 'focusTime' })).toBe('is-focus');
    expect(kindClass({ eventType: 'outOfOffice' })).toBe('is-ooo');
    expect(kindName({ eventType: 'fromGmail' })).toBe('From Gmail');
    expect(kindName({ eventType: 'default' })).toBeNull();
    expect(kindClass({ eventType: 'travelTime' })).toBe('is-unknown-kind');
    expect(autoDeclineText('declineAllConflictingInvitations')).toMatch(/Declines all/);
    expect(autoDeclineText('declineNone')).toBeNull();
  });

  it('draws the kind in the grid and does not let a locked time be dragged', () => {
    const focus = event({ eventType: 'focusTime', title: 'Focus time' });
    const fc = toCalendarEvent(focus, calendar());
    expect(fc.classNames).toContain('is-focus');
    const host = document.createElement('div');
    host.append(...eventContentNodes(focus, '09:00'));
    expect(host.querySelector('.chronos-kind-icon')?.textContent).toBe('🎧 ');
    // Named by its content: time, title, then the kind (the icon is hidden from the name).
    expect(contentName(host)).toBe('09:00 Focus time, Focus time');
    const gmail = event({
      eventType: 'fromGmail',
      editable: { title: false, description: false, location: false, time: false, guests: false, reminders: true, color: true },
    });
    expect(toCalendarEvent(gmail, calendar()).editable).toBe(false);
  });
});
