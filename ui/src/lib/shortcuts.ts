// What the global shortcuts (see `keyAction`) do in the app's window.

import { keyAction, type KeyAction, type ShortcutView } from './keyboard';

export type { ShortcutView };

/** The parts of the app a shortcut acts on. */
export interface ShortcutTargets {
  /** While a dialog is up only Escape (closing it) is a shortcut. */
  dialogOpen(): boolean;
  closeDialogs(): void;
  today(): void;
  prev(): void;
  next(): void;
  showView(view: ShortcutView): void;
  newEvent(): void;
  focusGoto(): void;
  /** Asked only when there is an account to sync. */
  sync(): void;
  hasAccounts(): boolean;
  search(): void;
  quickAdd(): void;
  palette(): void;
  settings(): void;
  pending(): void;
  trash(): void;
  undo(): void;
  redo(): void;
  health(): void;
  help(): void;
}

/** Does what an action says; the palette and the keys share it. */
export function runAction(t: ShortcutTargets, action: KeyAction): void {
  switch (action.kind) {
    case 'close':
      t.closeDialogs();
      break;
    case 'today':
      t.today();
      break;
    case 'prev':
      t.prev();
      break;
    case 'next':
      t.next();
      break;
    case 'view':
      t.showView(action.view);
      break;
    case 'new':
      t.newEvent();
      break;
    case 'goto':
      t.focusGoto();
      break;
    case 'sync':
      if (t.hasAccounts()) t.sync();
      break;
    case 'search':
      t.search();
      break;
    case 'quickAdd':
      t.quickAdd();
      break;
    case 'palette':
      t.palette();
      break;
    case 'settings':
      t.settings();
      break;
    case 'pending':
      t.pending();
      break;
    case 'trash':
      t.trash();
      break;
    case 'undo':
      t.undo();
      break;
    case 'redo':
      t.redo();
      break;
    case 'health':
      t.health();
      break;
    case 'help':
      t.help();
      break;
  }
}

/** The window's keydown handler: a key that is a shortcut does its action and nothing else. */
export function shortcutHandler(t: ShortcutTargets): (e: KeyboardEvent) => void {
  return (e) => {
    const action = keyAction(e, t.dialogOpen());
    if (!action) return;
    e.preventDefault();
    runAction(t, action);
  };
}
