import { Settings } from 'luxon';

/**
 * The app's one "now". The shell sets `__CHRONOS_CLOCK_OFFSET_MS__` before any script runs when
 * it was started on a pinned clock (`CHRONOS_CLOCK_START`), so the page's today, the calendar's
 * now-line and "synced 2 min ago" agree with the engine; the webview's own `Date` cannot be told
 * the pin. The clock keeps running from the pinned start.
 */
declare global {
  interface Window {
    __CHRONOS_CLOCK_OFFSET_MS__?: number;
  }
}

function shellOffset(): number {
  const v = typeof window === 'undefined' ? undefined : window.__CHRONOS_CLOCK_OFFSET_MS__;
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

let offset = shellOffset();

/** Milliseconds since the epoch, as the app's clock reads them. */
export function now(): number {
  return Date.now() + offset;
}

export function nowDate(): Date {
  return new Date(now());
}

/** Pins the clock: it reads `start` now and keeps running (tests). */
export function pinClock(start: number): void {
  offset = start - Date.now();
}

// Luxon's DateTime.now() (and everything built on it) reads the same clock.
Settings.now = now;
