// The toasts the app shows: errors stay 8 s, notes 4 s, each can be dismissed sooner.

import type { AppError } from '../api/types';
import type { Toast, ToastAction } from '../components/Toasts.svelte';

/** How long a toast of `kind` stays up, in milliseconds. */
export function toastLifetime(kind: Toast['kind']): number {
  return kind === 'error' ? 8000 : 4000;
}

/** "What failed: why", from whatever a failed command rejected with. */
export function failureText(what: string, e: unknown): string {
  const err = e as AppError;
  return `${what}: ${err?.message ?? String(e)}`;
}

export class ToastQueue {
  list = $state<Toast[]>([]);
  #lastId = 0;

  show = (message: string, kind: Toast['kind'] = 'error', action?: ToastAction) => {
    const id = ++this.#lastId;
    this.list.push(action ? { id, message, kind, action } : { id, message, kind });
    // A toast with a button stays as long as an error, so there is time to press it.
    setTimeout(() => this.dismiss(id), toastLifetime(action ? 'error' : kind));
  };

  dismiss = (id: number) => {
    this.list = this.list.filter((t) => t.id !== id);
  };

  /** A rejection handler that shows "`what`: why" as an error. */
  fail = (what: string) => (e: unknown) => this.show(failureText(what, e));
}
