import { describe, expect, it } from 'vitest';
import { firstMonthReporter } from '../src/lib/firstMonth';

/** Frames run when the test says so. */
function frames() {
  const queue: (() => void)[] = [];
  return {
    frame: (cb: () => void) => void queue.push(cb),
    run(n: number) {
      for (let i = 0; i < n && queue.length; i++) queue.shift()!();
    },
  };
}

describe('firstMonthReporter', () => {
  it('says the count once, a frame after the events are on screen', () => {
    const sent: number[] = [];
    let shown = false;
    const f = frames();
    const report = firstMonthReporter((n) => sent.push(n), () => shown, f.frame);
    report(0);
    f.run(5);
    expect(sent, 'an empty view says nothing').toEqual([]);
    report(42);
    f.run(3);
    expect(sent, 'not before the events are on screen').toEqual([]);
    shown = true;
    f.run(1);
    expect(sent, 'the frame after they show').toEqual([]);
    f.run(1);
    expect(sent).toEqual([42]);
    report(43);
    f.run(10);
    expect(sent, 'later loads say nothing').toEqual([42]);
  });

  it('gives up waiting after a few seconds of frames and still says it', () => {
    const sent: number[] = [];
    const f = frames();
    firstMonthReporter((n) => sent.push(n), () => false, f.frame)(7);
    f.run(302);
    expect(sent).toEqual([7]);
  });
});
