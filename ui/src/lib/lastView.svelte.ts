// The view and the day the window showed, read at start and kept as the user moves, so the
// next start opens where this one left off. The shell keeps them in the data directory.

import type { LastView } from '../api/types';

type Mode = LastView['view'];

export interface LastViewApi {
  getLastView(): Promise<LastView | null>;
  setLastView(last: LastView): Promise<unknown>;
}

export class LastViewMemory {
  /** Read (or found missing): the calendar may be drawn. */
  ready = $state(false);
  /** The day to open on ("YYYY-MM-DD"); null: today. */
  date = $state<string | null>(null);
  private saved = '';
  /** Saves one after another, so a slow one cannot land after the newer one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private api: LastViewApi) {}

  /** Reads the last view; `apply` gets its mode before `ready` lets the calendar be drawn. */
  async load(apply: (view: Mode) => void): Promise<void> {
    try {
      const last = await this.api.getLastView();
      if (last) {
        apply(last.view);
        this.date = last.date;
        this.saved = `${last.view} ${last.date}`;
      }
    } catch {
      // Nothing to go back to: the calendar opens on today, as on a first start.
    } finally {
      this.ready = true;
    }
  }

  /** The view now shows `view` on `date`: kept for a redraw and for the next start. */
  remember(view: Mode, date: string): void {
    if (!this.ready || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    this.date = date;
    const key = `${view} ${date}`;
    if (key === this.saved) return;
    this.saved = key;
    this.queue = this.queue
      .then(() => this.api.setLastView({ view, date }))
      // Not kept: the next start opens on today instead, which is no reason to interrupt.
      .catch(() => {});
  }
}
