// What the calendar view loads: the events of a range, or a month grid, each noting its first
// events for the launch benchmark and saying so when a runaway repeating event was cut short.

import type { EventView, EventsInRange, MonthView } from '../api/types';

export const TRUNCATED_NOTICE =
  'Some repeating events have too many occurrences to show them all here; a shorter range shows them.';

/** The shell's queries the view is drawn from. */
export interface ViewSource {
  eventsInRange(from: string, to: string): Promise<EventsInRange>;
  monthView(from: string, to: string, perDay: number): Promise<MonthView>;
}

export interface ViewLoaders {
  /** The view's events in [from, to). */
  loadEvents(from: string, to: string): Promise<EventView[]>;
  /** The month grid: a few events a day and how many more. */
  loadMonth(from: string, to: string, perDay: number): Promise<MonthView>;
}

/** `loaded` hears how many events each answer had; `truncated` that some range was cut. */
export function viewLoaders(source: ViewSource, loaded: (count: number) => void, truncated: () => void): ViewLoaders {
  return {
    async loadEvents(from, to) {
      const answer = await source.eventsInRange(from, to);
      loaded(answer.events.length);
      if (answer.truncated.length) truncated();
      return answer.events;
    },
    async loadMonth(from, to, perDay) {
      const answer = await source.monthView(from, to, perDay);
      loaded(answer.events.length);
      if (answer.truncated.length) truncated();
      return answer;
    },
  };
}
