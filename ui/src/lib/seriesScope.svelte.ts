// Which occurrences of a recurring series a save or a delete applies to. "This event" never
// drops other occurrences' changes; the wider scopes are previewed first, and a non-zero count
// of changed occurrences they would discard is shown before a second confirm goes ahead.

import { toAppError } from '../api/commands';
import type { EditScope } from '../api/types';

export type ScopedAction = 'save' | 'delete';

/** A delete of more occurrences than this asks again, showing how many. */
export const BULK_DELETE_OCCURRENCES = 20;

export class SeriesScopeChoice {
  /** What is being asked about, or null when the chooser is closed. */
  action = $state<ScopedAction | null>(null);
  scope = $state<EditScope>('this');
  /** Changed occurrences the chosen scope would discard, once asked (null: not asked yet). */
  discarded = $state<number | null>(null);
  previewing = $state(false);
  error = $state<string | null>(null);
  /** A bulk delete's size once shown (-1: every future occurrence); null: not shown yet. */
  bulk = $state<number | null>(null);

  ask(action: ScopedAction) {
    this.action = action;
    this.scope = 'this';
    this.discarded = null;
    this.bulk = null;
    this.error = null;
  }

  choose(scope: EditScope) {
    this.scope = scope;
    // The warnings belong to the scope they were asked for.
    this.discarded = null;
    this.bulk = null;
    this.error = null;
  }

  cancel() {
    this.action = null;
  }

  /**
   * The action and scope to carry out now, closing the chooser; or null while the user still
   * has to see a count of discarded occurrences (or an error). `preview` counts what a scope
   * would discard.
   */
  async confirm(
    preview: (action: ScopedAction, scope: EditScope) => Promise<number>,
    size: (scope: EditScope) => Promise<number | null> = async () => 0,
  ): Promise<{ action: ScopedAction; scope: EditScope } | null> {
    const action = this.action;
    if (!action) return null;
    // Deleting many occurrences is confirmed once more, with their number.
    if (action === 'delete' && this.scope !== 'this' && this.bulk === null) {
      this.previewing = true;
      this.error = null;
      try {
        const n = await size(this.scope);
        this.previewing = false;
        if (n === null || n > BULK_DELETE_OCCURRENCES) {
          this.bulk = n ?? -1;
          return null;
        }
      } catch (e) {
        this.previewing = false;
        this.error = toAppError(e).message;
        return null;
      }
    }
    if (this.scope !== 'this' && this.discarded === null) {
      this.previewing = true;
      this.error = null;
      try {
        const n = await preview(action, this.scope);
        this.previewing = false;
        if (n > 0) {
          this.discarded = n;
          return null;
        }
      } catch (e) {
        this.previewing = false;
        this.error = toAppError(e).message;
        return null;
      }
    }
    this.action = null;
    return { action, scope: this.scope };
  }
}
