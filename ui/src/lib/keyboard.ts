// The window's shortcuts, one table: what each key does, shown by `?` and in the palette.
// Keys are matched by the character they type (`KeyboardEvent.key`), not by their place on the
// keyboard, so AZERTY and QWERTZ users press the letter they read. Where Google Calendar has a
// key for the same action, it is that key.

export type ShortcutView = 'month' | 'week' | 'day' | 'agenda';

export type KeyAction =
  | { kind: 'today' }
  | { kind: 'prev' }
  | { kind: 'next' }
  | { kind: 'view'; view: ShortcutView }
  | { kind: 'new' }
  | { kind: 'goto' }
  | { kind: 'sync' }
  | { kind: 'search' }
  | { kind: 'quickAdd' }
  | { kind: 'palette' }
  | { kind: 'help' }
  | { kind: 'settings' }
  | { kind: 'pending' }
  | { kind: 'trash' }
  | { kind: 'health' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'close' };

export interface Shortcut {
  action: KeyAction;
  /** The keys as `KeyboardEvent.key` gives them; `Mod+k` is Ctrl+K, or Cmd+K on macOS. */
  keys: string[];
  label: string;
}

export const SHORTCUTS: Shortcut[] = [
  { action: { kind: 'palette' }, keys: ['Mod+k'], label: 'Command palette' },
  { action: { kind: 'search' }, keys: ['/'], label: 'Search' },
  { action: { kind: 'quickAdd' }, keys: ['q'], label: 'Quick add' },
  { action: { kind: 'new' }, keys: ['c'], label: 'New event' },
  { action: { kind: 'today' }, keys: ['t'], label: 'Today' },
  { action: { kind: 'next' }, keys: ['j', 'n', 'ArrowRight'], label: 'Next period' },
  { action: { kind: 'prev' }, keys: ['k', 'p', 'ArrowLeft'], label: 'Previous period' },
  { action: { kind: 'view', view: 'day' }, keys: ['d'], label: 'Day view' },
  { action: { kind: 'view', view: 'week' }, keys: ['w'], label: 'Week view' },
  { action: { kind: 'view', view: 'month' }, keys: ['m'], label: 'Month view' },
  { action: { kind: 'view', view: 'agenda' }, keys: ['a'], label: 'Agenda view' },
  { action: { kind: 'goto' }, keys: ['g'], label: 'Go to a date' },
  { action: { kind: 'sync' }, keys: ['s'], label: 'Sync now' },
  { action: { kind: 'settings' }, keys: [','], label: 'Settings' },
  { action: { kind: 'pending' }, keys: ['u'], label: 'Pending changes and conflicts' },
  { action: { kind: 'trash' }, keys: ['x'], label: 'Trash' },
  { action: { kind: 'health' }, keys: ['h'], label: 'Sync health' },
  { action: { kind: 'undo' }, keys: ['Mod+z'], label: 'Undo the last change' },
  { action: { kind: 'redo' }, keys: ['Mod+Shift+z'], label: 'Redo' },
  { action: { kind: 'help' }, keys: ['?'], label: 'Show the shortcuts' },
  { action: { kind: 'close' }, keys: ['Escape'], label: 'Close the dialog' },
];

interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  target?: EventTarget | null;
}

function isTyping(target: EventTarget | null | undefined): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"]');
}

/** Whether the platform's command key is Cmd (macOS) rather than Ctrl. */
export function isMac(platform: string = globalThis.navigator?.platform ?? ''): boolean {
  return /mac/i.test(platform);
}

/** How a key is written for people: `Mod+k` becomes Ctrl+K or ⌘K. */
export function keyLabel(key: string, mac = isMac()): string {
  if (key.startsWith('Mod+Shift+')) return (mac ? '⇧⌘' : 'Ctrl+Shift+') + key.slice(10).toUpperCase();
  if (key.startsWith('Mod+')) return (mac ? '⌘' : 'Ctrl+') + key.slice(4).toUpperCase();
  const names: Record<string, string> = { ArrowLeft: '←', ArrowRight: '→', Escape: 'Esc' };
  return names[key] ?? key;
}

function lookup(key: string): KeyAction | null {
  return SHORTCUTS.find((s) => s.keys.includes(key))?.action ?? null;
}

/**
 * What a key press means. While a dialog is up only Escape (closing it) is a shortcut; while
 * typing in a field only the palette's chord is; a plain letter never fires with Ctrl, Cmd or
 * Alt held (those belong to the system and the field).
 */
export function keyAction(e: KeyLike, dialogOpen: boolean, mac = isMac()): KeyAction | null {
  if (e.key === 'Escape') return dialogOpen ? { kind: 'close' } : null;
  if (dialogOpen) return null;
  const mod = mac ? e.metaKey : e.ctrlKey;
  if (mod && !e.altKey && e.key.toLowerCase() === 'k') return { kind: 'palette' };
  // A field keeps its own undo; elsewhere Ctrl+Z (⌘Z) undoes the last change to the calendar.
  if (mod && !e.altKey && e.key.toLowerCase() === 'z' && !isTyping(e.target)) return { kind: e.shiftKey ? 'redo' : 'undo' };
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return null;
  if (e.key === 'Escape' || e.key.startsWith('Mod+')) return null;
  return lookup(e.key);
}
