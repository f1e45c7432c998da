import { describe, expect, it } from 'vitest';
import { SeriesScopeChoice, type ScopedAction } from '../src/lib/seriesScope.svelte';
import type { EditScope } from '../src/api/types';

function counting(answer: number | Error) {
  const asked: string[] = [];
  const preview = async (action: ScopedAction, scope: EditScope) => {
    asked.push(`${action} ${scope}`);
    if (answer instanceof Error) throw { kind: 'network', message: answer.message, retryable: true };
    return answer;
  };
  return { asked, preview };
}

describe('SeriesScopeChoice', () => {
  it('opens on "this event", which goes ahead without a preview', async () => {
    const c = new SeriesScopeChoice();
    c.ask('save');
    expect([c.action, c.scope, c.discarded, c.error]).toEqual(['save', 'this', null, null]);
    const { asked, preview } = counting(3);
    expect(await c.confirm(preview)).toEqual({ action: 'save', scope: 'this' });
    expect(asked).toEqual([]);
    expect(c.action).toBeNull();
  });

  it('previews a wider scope and waits for a second confirm when it would discard changes', async () => {
    const c = new SeriesScopeChoice();
    c.ask('delete');
    c.choose('all');
    const { asked, preview } = counting(2);
    expect(await c.confirm(preview)).toBeNull();
    expect([c.action, c.discarded, c.previewing]).toEqual(['delete', 2, false]);
    expect(await c.confirm(preview)).toEqual({ action: 'delete', scope: 'all' });
    expect(asked).toEqual(['delete all']);
  });

  it('goes ahead at once when the preview finds nothing to discard', async () => {
    const c = new SeriesScopeChoice();
    c.ask('save');
    c.choose('thisAndFollowing');
    const { asked, preview } = counting(0);
    expect(await c.confirm(preview)).toEqual({ action: 'save', scope: 'thisAndFollowing' });
    expect(asked).toEqual(['save thisAndFollowing']);
  });

  it('asks again after another scope is chosen, and shows a failed preview', async () => {
    const c = new SeriesScopeChoice();
    c.ask('save');
    c.choose('all');
    await c.confirm(counting(4).preview);
    c.choose('thisAndFollowing');
    expect(c.discarded).toBeNull();
    expect(await c.confirm(counting(new Error('offline')).preview)).toBeNull();
    expect([c.action, c.error, c.previewing]).toEqual(['save', 'offline', false]);
    c.ask('delete');
    expect([c.action, c.scope, c.error]).toEqual(['delete', 'this', null]);
    c.cancel();
    expect(c.action).toBeNull();
    expect(await c.confirm(counting(0).preview)).toBeNull();
  });

  it('asks once more before deleting many occurrences, or a series that never ends, saying how many', async () => {
    const c = new SeriesScopeChoice();
    c.ask('delete');
    c.choose('all');
    const sizes: string[] = [];
    const size = (n: number | null) => async (scope: EditScope) => {
      sizes.push(scope);
      return n;
    };
    const { preview } = counting(0);
    expect(await c.confirm(preview, size(52))).toBeNull();
    expect(c.bulk).toBe(52);
    expect(await c.confirm(preview, size(52))).toEqual({ action: 'delete', scope: 'all' });
    expect(sizes).toEqual(['all']);
    // Endless: said as such.
    c.ask('delete');
    c.choose('thisAndFollowing');
    expect(await c.confirm(preview, size(null))).toBeNull();
    expect(c.bulk).toBe(-1);
    // Twenty or fewer go at once; saving never asks for a size.
    c.ask('delete');
    c.choose('all');
    expect(await c.confirm(preview, size(20))).toEqual({ action: 'delete', scope: 'all' });
    c.ask('save');
    c.choose('all');
    expect(await c.confirm(preview, size(500))).toEqual({ action: 'save', scope: 'all' });
    expect(sizes).toEqual(['all', 'thisAndFollowing', 'all']);
  });
});
