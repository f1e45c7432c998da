// Google's event types as the window shows them: working locations as a label on their day
// (never a block in the grid), focus time, out of office, birthdays and Gmail's events with an
// icon and a class of their own, and the words for what the editor locks.

import type { EventView } from '../api/types';

export type EventKind = 'default' | 'birthday' | 'fromGmail' | 'focusTime' | 'outOfOffice' | 'workingLocation';

/** The short name of a kind shown on the event's details; none for ordinary events. */
export function kindName(ev: Pick<EventView, 'eventType'>): string | null {
  switch (ev.eventType) {
    case 'default':
      return null;
    case 'birthday':
      return 'Birthday';
    case 'fromGmail':
      return 'From Gmail';
    case 'focusTime':
      return 'Focus time';
    case 'outOfOffice':
      return 'Out of office';
    case 'workingLocation':
      return 'Working location';
    default:
      return `Event of kind “${ev.eventType}” (read-only)`;
  }
}

/** The icon drawn before the title in the grid (besides the kind's own pattern). */
export function kindIcon(ev: Pick<EventView, 'eventType'>): string | null {
  switch (ev.eventType) {
    case 'birthday':
      return '🎂';
    case 'fromGmail':
      return '✉';
    case 'focusTime':
      return '🎧';
    case 'outOfOffice':
      return '🚫';
    default:
      return null;
  }
}

/** The CSS class of the event's kind in the grid (its pattern). */
export function kindClass(ev: Pick<EventView, 'eventType'>): string | null {
  switch (ev.eventType) {
    case 'default':
    case 'workingLocation':
      return null;
    case 'birthday':
      return 'is-birthday';
    case 'fromGmail':
      return 'is-gmail';
    case 'focusTime':
      return 'is-focus';
    case 'outOfOffice':
      return 'is-ooo';
    default:
      return 'is-unknown-kind';
  }
}

/** Where a working-location entry says the person works, in words. */
export function workPlaceText(ev: Pick<EventView, 'workPlace' | 'title'>): string {
  const p = ev.workPlace;
  if (!p) return ev.title || 'Working location';
  if (p.kind === 'home') return 'Home';
  if (p.kind === 'office') return p.label ? `Office · ${p.label}` : 'Office';
  return p.label || ev.title || 'Elsewhere';
}

function workPlaceIcon(ev: Pick<EventView, 'workPlace'>): string {
  switch (ev.workPlace?.kind) {
    case 'home':
      return '🏠';
    case 'office':
      return '🏢';
    default:
      return '📍';
  }
}

/** The day ("YYYY-MM-DD") a working-location entry labels: its date, or its start's date. */
export function workDay(ev: Pick<EventView, 'start'>): string {
  return ev.start.slice(0, 10);
}

export interface DayLabel {
  icon: string;
  text: string;
}

/**
 * Splits working-location entries off the events the grid draws: they become labels by day
 * (several on one day are all kept, in their order).
 */
export function splitWorkingLocations(events: EventView[]): { grid: EventView[]; labels: Map<string, DayLabel[]> } {
  const grid: EventView[] = [];
  const labels = new Map<string, DayLabel[]>();
  for (const ev of events) {
    if (ev.eventType !== 'workingLocation') {
      grid.push(ev);
      continue;
    }
    const day = workDay(ev);
    const list = labels.get(day) ?? [];
    list.push({ icon: workPlaceIcon(ev), text: workPlaceText(ev) });
    labels.set(day, list);
  }
  return { grid, labels };
}

/** Whether two label maps show the same (so the day headers need no redraw). */
export function sameLabels(a: Map<string, DayLabel[]>, b: Map<string, DayLabel[]>): boolean {
  if (a.size !== b.size) return false;
  for (const [day, list] of a) {
    const other = b.get(day);
    if (!other || other.length !== list.length) return false;
    if (list.some((l, i) => l.text !== other[i].text || l.icon !== other[i].icon)) return false;
  }
  return true;
}

/** The label element of a day: text nodes only. */
export function dayLabelNode(labels: DayLabel[]): HTMLElement {
  const el = document.createElement('div');
  el.className = 'chronos-work-place';
  el.dataset.testid = 'working-location';
  el.textContent = labels.map((l) => `${l.icon} ${l.text}`).join(' · ');
  el.title = `Working location: ${labels.map((l) => l.text).join(', ')}`;
  return el;
}

/** What auto-decline does, in words. */
export function autoDeclineText(mode: string): string | null {
  switch (mode) {
    case 'declineAllConflictingInvitations':
      return 'Declines all invitations that conflict with it';
    case 'declineOnlyNewConflictingInvitations':
      return 'Declines new invitations that conflict with it';
    default:
      return null;
  }
}
