// Connecting, reconnecting and disconnecting Google accounts, and starting a sync.

import * as api from '../api/commands';
import type { AppState } from './appState.svelte';

type Fail = (what: string) => (e: unknown) => void;

export class AccountActions {
  /** A sign-in is under way. */
  connecting = $state(false);
  readonly #state: AppState;
  readonly #fail: Fail;

  constructor(state: AppState, fail: Fail) {
    this.#state = state;
    this.#fail = fail;
  }

  connect = async () => {
    const state = this.#state;
    this.connecting = true;
    try {
      const account = await api.connectAccount();
      await Promise.all([state.loadAccounts(), state.loadCalendars(), state.loadStatus()]);
      await api.syncNow(account.id);
      await Promise.all([state.loadPalette(), state.loadAccountZone()]);
    } catch (e) {
      this.#fail('Sign-in failed')(e);
    } finally {
      this.connecting = false;
    }
  };

  reconnect = async (accountId: string) => {
    try {
      await api.reconnectAccount(accountId);
      await Promise.all([this.#state.loadAccounts(), this.#state.loadStatus()]);
      await api.syncNow(accountId);
    } catch (e) {
      this.#fail('Reconnect failed')(e);
    }
  };

  disconnect = async (accountId: string) => {
    const state = this.#state;
    try {
      await api.disconnectAccount(accountId);
      delete state.statuses[accountId];
      delete state.finished[accountId];
      await Promise.all([state.loadAccounts(), state.loadCalendars(), state.loadOutbox()]);
      state.refetch();
    } catch (e) {
      this.#fail('Disconnect failed')(e);
    }
  };

  /** Every account syncs now. */
  syncAll = () => {
    api.syncNow().catch(this.#fail('Sync could not start'));
  };

  retrySync = (accountId: string) => {
    api.syncNow(accountId).catch(this.#fail('Sync could not start'));
  };
}
