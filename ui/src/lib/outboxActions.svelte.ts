// Retrying, discarding and resolving what the outbox holds; each item is busy while its
// command runs.

import * as api from '../api/commands';
import type { Conflict, ConflictResolution, PendingChange } from '../api/types';
import type { AppState } from './appState.svelte';

type Fail = (what: string) => (e: unknown) => void;

export class OutboxActions {
  /** The changes and conflicts a command is running for. */
  busyIds = $state(new Set<string>());
  readonly #state: AppState;
  readonly #fail: Fail;

  constructor(state: AppState, fail: Fail) {
    this.#state = state;
    this.#fail = fail;
  }

  async #withBusy(id: string, work: () => Promise<unknown>, what: string) {
    this.busyIds = new Set(this.busyIds).add(id);
    try {
      await work();
      await this.#state.loadOutbox();
      this.#state.refetch();
    } catch (e) {
      this.#fail(what)(e);
    } finally {
      const next = new Set(this.busyIds);
      next.delete(id);
      this.busyIds = next;
    }
  }

  retry = (c: PendingChange) => this.#withBusy(c.id, () => api.retryChange(c.id), 'Retry failed');
  discard = (c: PendingChange) => this.#withBusy(c.id, () => api.discardChange(c.id), 'Could not discard');
  resolve = (c: Conflict, r: ConflictResolution) =>
    this.#withBusy(c.id, () => api.resolveConflict(c.id, r), 'Could not resolve the conflict');
}
