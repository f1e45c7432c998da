// Global shortcuts: t today, ←/k previous, →/j next, m/w/d/a views, n new event, g go to date,
// s sync, Escape closes the open dialog.

export type KeyAction =
  | { kind: 'today' }
  | { kind: 'prev' }
  | { kind: 'next' }
  | { kind: 'view'; view: 'month' | 'week' | 'day' | 'agenda' }
  | { kind: 'new' }
  | { kind: 'goto' }
  | { kind: 'sync' }
  | { kind: 'close' };

interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  target?: EventTarget | null;
}

function isTyping(target: EventTarget | null | undefined): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"]');
}

/** What a key press means; `dialogOpen` limits shortcuts to Escape while a dialog is up. */
export function keyAction(e: KeyLike, dialogOpen: boolean): KeyAction | null {
  if (e.key === 'Escape') return dialogOpen ? { kind: 'close' } : null;
  if (dialogOpen || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return null;
  switch (e.key) {
    case 't':
      return { kind: 'today' };
    case 'ArrowLeft':
    case 'k':
      return { kind: 'prev' };
    case 'ArrowRight':
    case 'j':
      return { kind: 'next' };
    case 'm':
      return { kind: 'view', view: 'month' };
    case 'w':
      return { kind: 'view', view: 'week' };
    case 'd':
      return { kind: 'view', view: 'day' };
    case 'a':
      return { kind: 'view', view: 'agenda' };
    case 'n':
      return { kind: 'new' };
    case 'g':
      return { kind: 'goto' };
    case 's':
      return { kind: 'sync' };
    default:
      return null;
  }
}
