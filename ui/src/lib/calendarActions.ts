// Showing, hiding and recolouring a calendar: the sidebar changes at once and goes back when
// the shell refuses.

import * as api from '../api/commands';
import type { CalendarView } from '../api/types';
import type { AppState } from './appState.svelte';
import { contrastText } from './colors';

type Fail = (what: string) => (e: unknown) => void;

function indexOf(calendars: CalendarView[], cal: CalendarView): number {
  return calendars.findIndex((c) => c.accountId === cal.accountId && c.id === cal.id);
}

export function calendarActions(state: AppState, fail: Fail) {
  return {
    async toggle(cal: CalendarView, selected: boolean) {
      const i = indexOf(state.calendars, cal);
      if (i >= 0) state.calendars[i] = { ...state.calendars[i], selected };
      try {
        await api.setCalendarSelected(cal.accountId, cal.id, selected);
      } catch (e) {
        if (i >= 0) state.calendars[i] = { ...state.calendars[i], selected: !selected };
        fail(`Could not ${selected ? 'show' : 'hide'} ${cal.summary}`)(e);
      }
    },
    async color(cal: CalendarView, color: string) {
      const i = indexOf(state.calendars, cal);
      const before = i >= 0 ? state.calendars[i] : null;
      const fg = contrastText(color);
      if (i >= 0) state.calendars[i] = { ...state.calendars[i], backgroundColor: color, foregroundColor: fg };
      try {
        await api.setCalendarColor(cal.accountId, cal.id, color, fg);
      } catch (e) {
        if (i >= 0 && before) state.calendars[i] = before;
        fail('Could not change the colour')(e);
      }
    },
  };
}
