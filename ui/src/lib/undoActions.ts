// Undo and redo in the window: after every change a toast offers Undo; Ctrl+Z / Ctrl+Shift+Z
// (⌘ on macOS) and the palette do the same. The history itself is the core's (kept in the
// store, shared with the CLI); this only asks it and says what happened.

import type { UndoResultView } from '../api/types';
import type { ToastAction } from '../components/Toasts.svelte';
import { failureText } from './toasts.svelte';

export interface UndoApi {
  undo(): Promise<UndoResultView | null>;
  redo(): Promise<UndoResultView | null>;
}

type Show = (message: string, kind?: 'info' | 'error', action?: ToastAction) => void;

/** "Undone: Deleted “Lunch”", with what was changed elsewhere and kept. */
export function undoSentence(r: UndoResultView): string {
  const verb = r.redone ? 'Redone' : 'Undone';
  const kept = r.kept.length > 0 ? ` (${r.kept.join(', ')} changed elsewhere since, kept)` : '';
  return `${verb}: ${r.label}${kept}`;
}

export function undoActions(api: UndoApi, show: Show, refetch: () => void) {
  let busy = false;
  const failure = (e: unknown) => show(failureText('Could not undo', e), 'error');
  const step = async (redo: boolean) => {
    if (busy) return;
    busy = true;
    try {
      const r = redo ? await api.redo() : await api.undo();
      if (!r) {
        show(redo ? 'Nothing to redo' : 'Nothing to undo', 'info');
        return;
      }
      refetch();
      show(undoSentence(r), 'info', r.redone ? { label: 'Undo', run: () => void step(false) } : { label: 'Redo', run: () => void step(true) });
    } catch (e) {
      failure(e);
    } finally {
      busy = false;
    }
  };
  return {
    undo: () => step(false),
    redo: () => step(true),
    /** The toast after a change: what was done, with Undo. */
    changed: (message: string) => show(message, 'info', { label: 'Undo', run: () => void step(false) }),
  };
}
