// The settings dialog: whether it is open, and saving what it edited.

import * as api from '../api/commands';
import type { AppError, Settings } from '../api/types';
import type { AppState } from './appState.svelte';

export interface SettingsDialogState {
  busy: boolean;
  error: string | null;
  errorField?: string | null;
}

export class SettingsEditing {
  /** The open dialog, or null. */
  dialog = $state<SettingsDialogState | null>(null);
  readonly #state: AppState;

  constructor(state: AppState) {
    this.#state = state;
  }

  open = () => {
    this.dialog = { busy: false, error: null };
  };

  close = () => {
    this.dialog = null;
  };

  save = async (s: Settings) => {
    if (!this.dialog) return;
    this.dialog.busy = true;
    const state = this.#state;
    try {
      const before = state.settings;
      state.settings = await api.setSettings(s);
      this.dialog = null;
      // Turning "follow the account" on asks Google now rather than trusting a day-old copy.
      if (state.settings.followAccountTimeZone && !before?.followAccountTimeZone) await state.loadAccountZone(true);
    } catch (e) {
      if (this.dialog) {
        this.dialog.busy = false;
        this.dialog.error = (e as AppError).message;
        this.dialog.errorField = (e as AppError).field ?? null;
      }
    }
  };
}
