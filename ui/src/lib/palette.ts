// The command palette's entries: every shortcut's action, showing or hiding each calendar,
// settings and pending changes, and "go to" a date the core read from what was typed. Matching
// is fuzzy (fuzzysort): "wk" finds "Week view", "hide wor" finds "Hide Work".

import fuzzysort from 'fuzzysort';
import type { CalendarView } from '../api/types';
import { SHORTCUTS, keyLabel, type KeyAction } from './keyboard';

export type PaletteCommand = {
  id: string;
  label: string;
  /** The shortcut that does the same, as people read it. */
  hint?: string;
  run: () => void;
};

export interface PaletteTargets {
  action(a: KeyAction): void;
  toggleCalendar(cal: CalendarView, show: boolean): void;
  gotoDate(isoDate: string): void;
  hasAccounts(): boolean;
}

/** The fixed entries, in the order shown before anything is typed. */
export function paletteCommands(t: PaletteTargets, calendars: CalendarView[]): PaletteCommand[] {
  const fromShortcuts = SHORTCUTS.filter(
    (s) =>
      s.action.kind !== 'close' && s.action.kind !== 'palette' && (s.action.kind !== 'sync' || t.hasAccounts()),
  ).map((s) => ({
    id: s.action.kind === 'view' ? `view-${s.action.view}` : s.action.kind,
    label: s.label,
    hint: keyLabel(s.keys[0]),
    run: () => t.action(s.action),
  }));
  const calendarEntries = calendars.map((c) => ({
    id: `calendar-${c.accountId}-${c.id}`,
    label: `${c.selected ? 'Hide' : 'Show'} ${c.summary}`,
    run: () => t.toggleCalendar(c, !c.selected),
  }));
  return [...fromShortcuts, ...calendarEntries];
}

/** The entries matching `query`, best first; all of them for an empty query. */
export function matchCommands(query: string, commands: PaletteCommand[], limit = 12): PaletteCommand[] {
  const q = query.trim();
  if (!q) return commands.slice(0, limit);
  return fuzzysort.go(q, commands, { key: 'label', limit, threshold: 0.2 }).map((r) => r.obj);
}

/** The "go to" entry for a date the core read from the query (ISO `YYYY-MM-DD`). */
export function gotoCommand(isoDate: string, label: string, t: PaletteTargets): PaletteCommand {
  return { id: `goto-${isoDate}`, label: `Go to ${label}`, run: () => t.gotoDate(isoDate) };
}
