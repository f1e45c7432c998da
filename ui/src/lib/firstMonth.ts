/**
 * The launch benchmark's mark: once per page (a launch, or a window built again from the tray),
 * the frame after the first events are on screen, `send` is told how many the view got. An
 * empty view says nothing; later loads say nothing.
 */
export function firstMonthReporter(
  send: (events: number) => void,
  onScreen: () => boolean = () => document.querySelector('[data-testid="calendar-event"]') !== null,
  frame: (cb: () => void) => void = (cb) => requestAnimationFrame(cb),
) {
  let reported = false;
  return (count: number) => {
    if (reported || count === 0) return;
    reported = true;
    // FullCalendar renders after the load resolves: wait (a few seconds at most) for the events,
    // then one more frame so they have been painted.
    const wait = (frames: number) =>
      frame(() => (onScreen() || frames === 0 ? frame(() => send(count)) : wait(frames - 1)));
    wait(300);
  };
}
