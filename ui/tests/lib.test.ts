import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyAction } from '../src/lib/keyboard';
import { throttle } from '../src/lib/throttle';
import { contrastText, safeColor } from '../src/lib/colors';

describe('keyAction', () => {
  it('maps the shortcuts', () => {
    expect(keyAction({ key: 't' }, false)).toEqual({ kind: 'today' });
    expect(keyAction({ key: 'ArrowLeft' }, false)).toEqual({ kind: 'prev' });
    expect(keyAction({ key: 'k' }, false)).toEqual({ kind: 'prev' });
    expect(keyAction({ key: 'j' }, false)).toEqual({ kind: 'next' });
    expect(keyAction({ key: 'ArrowRight' }, false)).toEqual({ kind: 'next' });
    expect(keyAction({ key: 'm' }, false)).toEqual({ kind: 'view', view: 'month' });
    expect(keyAction({ key: 'a' }, false)).toEqual({ kind: 'view', view: 'agenda' });
    expect(keyAction({ key: 'c' }, false)).toEqual({ kind: 'new' });
    expect(keyAction({ key: 'n' }, false)).toEqual({ kind: 'next' });
    expect(keyAction({ key: 'p' }, false)).toEqual({ kind: 'prev' });
    expect(keyAction({ key: 'z' }, false)).toBeNull();
    expect(keyAction({ key: 'x' }, false)).toEqual({ kind: 'trash' });
    expect(keyAction({ key: 'h' }, false)).toEqual({ kind: 'health' });
  });
  it('stays out of the way of typing, modifiers and dialogs', () => {
    const input = document.createElement('input');
    expect(keyAction({ key: 't', target: input }, false)).toBeNull();
    expect(keyAction({ key: 't', ctrlKey: true }, false)).toBeNull();
    expect(keyAction({ key: 't' }, true)).toBeNull();
    expect(keyAction({ key: 'Escape', target: input }, true)).toEqual({ kind: 'close' });
    expect(keyAction({ key: 'Escape' }, false)).toBeNull();
  });
});

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs at once, then once more after a burst', () => {
    const fn = vi.fn();
    const t = throttle(fn, 400);
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 20; i++) t();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(399);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('can be cancelled', () => {
    const fn = vi.fn();
    const t = throttle(fn, 400);
    t();
    t();
    t.cancel();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('colours', () => {
  it('picks readable text', () => {
    expect(contrastText('#ffffff')).toBe('#1d1d1d');
    expect(contrastText('#fbd75b')).toBe('#1d1d1d');
    expect(contrastText('#1a237e')).toBe('#ffffff');
  });
  it('only lets #rrggbb through', () => {
    expect(safeColor('#A4BDFC')).toBe('#A4BDFC');
    expect(safeColor('red')).toBeNull();
    expect(safeColor('#fff;background:url(x)')).toBeNull();
    expect(safeColor(null)).toBeNull();
  });
});
