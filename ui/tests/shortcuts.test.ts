import { describe, expect, it } from 'vitest';
import { shortcutHandler, type ShortcutTargets } from '../src/lib/shortcuts';

function targets(over: { dialogOpen?: boolean; hasAccounts?: boolean } = {}) {
  const done: string[] = [];
  const t: ShortcutTargets = {
    dialogOpen: () => over.dialogOpen ?? false,
    closeDialogs: () => done.push('close'),
    today: () => done.push('today'),
    prev: () => done.push('prev'),
    next: () => done.push('next'),
    showView: (v) => done.push(`view ${v}`),
    newEvent: () => done.push('new'),
    focusGoto: () => done.push('goto'),
    sync: () => done.push('sync'),
    hasAccounts: () => over.hasAccounts ?? true,
    palette: () => done.push('palette'),
    settings: () => done.push('settings'),
    pending: () => done.push('pending'),
    trash: () => done.push('trash'),
    undo: () => done.push('undo'),
    redo: () => done.push('redo'),
    health: () => done.push('health'),
    search: () => done.push('search'),
    quickAdd: () => done.push('quick add'),
    help: () => done.push('help'),
  };
  return { t, done };
}

const press = (handler: (e: KeyboardEvent) => void, key: string, init: KeyboardEventInit = {}) => {
  const e = new KeyboardEvent('keydown', { key, cancelable: true, ...init });
  handler(e);
  return e.defaultPrevented;
};

describe('shortcutHandler', () => {
  it('does each shortcut’s action and keeps the key from the page', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    for (const key of ['t', 'k', 'ArrowRight', 'w', 'a', 'c', 'g', 's', 'x', 'h', '?']) expect(press(on, key)).toBe(true);
    expect(done).toEqual(['today', 'prev', 'next', 'view week', 'view agenda', 'new', 'goto', 'sync', 'trash', 'health', 'help']);
  });

  it('uses Google Calendar’s keys: c creates, j/n and k/p move, d/w/m/a switch views', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    for (const key of ['c', 'j', 'n', 'k', 'p', 'd', 'w', 'm', 'a']) expect(press(on, key)).toBe(true);
    expect(done).toEqual(['new', 'next', 'next', 'prev', 'prev', 'view day', 'view week', 'view month', 'view agenda']);
  });

  it('focuses search with / and opens quick add with q', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    expect(press(on, '/')).toBe(true);
    expect(press(on, 'q')).toBe(true);
    expect(done).toEqual(['search', 'quick add']);
  });

  it('opens settings with , and pending changes with u', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    expect(press(on, ',')).toBe(true);
    expect(press(on, 'u')).toBe(true);
    expect(done).toEqual(['settings', 'pending']);
  });

  it('goes by the character a key types, not its place: AZERTY’s a is still the agenda', () => {
    const { t, done } = targets();
    // On AZERTY the key in QWERTY's q place types "a"; its code says KeyQ.
    expect(press(shortcutHandler(t), 'a', { code: 'KeyQ' })).toBe(true);
    expect(done).toEqual(['view agenda']);
  });

  it('never fires while typing in a field, except the palette chord', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    const input = document.createElement('input');
    document.body.append(input);
    const typed = (key: string, init: KeyboardEventInit = {}) => {
      const e = new KeyboardEvent('keydown', { key, cancelable: true, bubbles: true, ...init });
      input.addEventListener('keydown', on, { once: true });
      input.dispatchEvent(e);
      return e.defaultPrevented;
    };
    expect(typed('t')).toBe(false);
    expect(typed('?')).toBe(false);
    const mac = /mac/i.test(navigator.platform);
    expect(typed('k', mac ? { metaKey: true } : { ctrlKey: true })).toBe(true);
    input.remove();
    expect(done).toEqual(['palette']);
  });

  it('leaves other keys alone', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    expect(press(on, 'z')).toBe(false);
    expect(press(on, 't', { ctrlKey: true })).toBe(false);
    expect(press(on, 'Escape')).toBe(false);
    expect(done).toEqual([]);
  });

  it('only closes while a dialog is open', () => {
    const { t, done } = targets({ dialogOpen: true });
    const on = shortcutHandler(t);
    expect(press(on, 't')).toBe(false);
    expect(press(on, 'Escape')).toBe(true);
    expect(done).toEqual(['close']);
  });

  it('takes the sync key but starts nothing without an account', () => {
    const { t, done } = targets({ hasAccounts: false });
    expect(press(shortcutHandler(t), 's')).toBe(true);
    expect(done).toEqual([]);
  });
});
