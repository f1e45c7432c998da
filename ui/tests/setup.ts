import { afterEach } from 'vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { cleanup } from '@testing-library/svelte';
import { pinClock } from '../src/lib/clock';

// The test matrix pins the app's clock (not the system's) and sets TZ for the zone.
const pinned = process.env.CHRONOS_CLOCK_START;
if (pinned) {
  const start = Date.parse(pinned);
  if (Number.isNaN(start)) throw new Error(`CHRONOS_CLOCK_START is not a time: ${pinned}`);
  pinClock(start);
}

// jsdom lacks these; FullCalendar and the layout code touch them.
if (!('ResizeObserver' in globalThis)) {
  class RO {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = RO;
}
if (!window.matchMedia) {
  window.matchMedia = ((query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener() {},
    removeListener() {},
    addEventListener() {},
    removeEventListener() {},
    dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
}

afterEach(() => {
  cleanup();
  clearMocks();
});
