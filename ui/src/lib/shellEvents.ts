// How the shell's events keep the app state current.

import type { EventPayloads, EventName } from '../api/events';
import type { AppState } from './appState.svelte';
import { namesUnknownCalendar, statusAfterProgress } from './syncStatus';

export type ShellEventHandlers = { [N in EventName]?: (payload: EventPayloads[N]) => void };

/** Both sets of handlers; where both handle an event, `a`'s runs first. */
export function combineHandlers(a: ShellEventHandlers, b: ShellEventHandlers): ShellEventHandlers {
  const out: Record<string, (p: never) => void> = { ...(a as Record<string, (p: never) => void>) };
  for (const [name, h] of Object.entries(b as Record<string, (p: never) => void>)) {
    const first = out[name];
    out[name] = first
      ? (p) => {
          first(p);
          h(p);
        }
      : h;
  }
  return out as ShellEventHandlers;
}

/** The handlers for every shell event; `goToDay` shows a day a chronos://open link asked for,
 * `quickAdd` opens the quick-add field the tray asked for. */
export function shellEventHandlers(
  state: AppState,
  goToDay: (date: string) => void,
  quickAdd: () => void = () => {},
): ShellEventHandlers {
  return {
    'sync://progress': (p) => {
      const next = statusAfterProgress(state.statuses[p.accountId], p);
      if (!next) return;
      state.statuses[p.accountId] = next;
      if (namesUnknownCalendar(state.calendars, p)) state.reloadCalendars();
    },
    'sync://status': (s) => {
      const prev = state.statuses[s.accountId];
      state.statuses[s.accountId] = s;
      if (prev?.state !== s.state) {
        void state.loadAccounts().catch(() => {});
        if (s.state === 'up_to_date') state.reloadCalendars();
      }
    },
    'sync://finished': (f) => {
      state.finished[f.accountId] = f;
      // Both are cached by the shell (Google is asked at most daily): cheap after each sync,
      // and a palette or zone changed in Google reaches the picker and the view.
      void state.loadAccountZone();
      void state.loadPalette();
      state.reloadCalendars();
      // The events it changed (and a palette it changed) arrive as events://changed.
    },
    'outbox://changed': (o) => {
      if (state.statuses[o.accountId]) state.statuses[o.accountId].pendingChanges = o.pendingChanges;
      state.reloadOutbox();
      state.refetch();
    },
    'events://changed': () => state.refetch(),
    'navigate://date': (n) => goToDay(n.date),
    'quickadd://open': () => quickAdd(),
  };
}
