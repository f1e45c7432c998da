import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToastQueue, failureText, toastLifetime } from '../src/lib/toasts.svelte';

describe('toasts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps an error 8 s and a note 4 s', () => {
    expect(toastLifetime('error')).toBe(8000);
    expect(toastLifetime('info')).toBe(4000);
    const q = new ToastQueue();
    q.show('Broken');
    q.show('Note', 'info');
    expect(q.list.map((t) => [t.message, t.kind])).toEqual([
      ['Broken', 'error'],
      ['Note', 'info'],
    ]);
    vi.advanceTimersByTime(4000);
    expect(q.list.map((t) => t.message)).toEqual(['Broken']);
    vi.advanceTimersByTime(4000);
    expect(q.list).toEqual([]);
  });

  it('dismisses one toast by its id', () => {
    const q = new ToastQueue();
    q.show('One');
    q.show('Two');
    const [one, two] = q.list.map((t) => t.id);
    expect(one).not.toBe(two);
    q.dismiss(one);
    expect(q.list.map((t) => t.message)).toEqual(['Two']);
  });

  it('shows a failure as what failed and why', () => {
    expect(failureText('Sync could not start', { kind: 'network', message: 'offline', retryable: true })).toBe(
      'Sync could not start: offline',
    );
    expect(failureText('Retry failed', 'boom')).toBe('Retry failed: boom');
    const q = new ToastQueue();
    q.fail('Could not discard')({ kind: 'internal', message: 'locked', retryable: false });
    expect(q.list).toMatchObject([{ message: 'Could not discard: locked', kind: 'error' }]);
  });
});
