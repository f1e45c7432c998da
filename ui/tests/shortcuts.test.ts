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
    for (const key of ['t', 'k', 'ArrowRight', 'w', 'a', 'n', 'g', 's']) expect(press(on, key)).toBe(true);
    expect(done).toEqual(['today', 'prev', 'next', 'view week', 'view agenda', 'new', 'goto', 'sync']);
  });

  it('leaves other keys alone', () => {
    const { t, done } = targets();
    const on = shortcutHandler(t);
    expect(press(on, 'x')).toBe(false);
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
