// The window's light or dark colours: the user's pick in Settings, else the desktop's preference.
// The choice is written on <html data-theme>, which the stylesheet keys its colours on.

import type { Theme } from '../api/types';

export type Shade = 'light' | 'dark';

/** The page colour of each shade (styles/app.css `--bg`). */
export const PAGE_COLOURS: Record<Shade, string> = { light: '#ffffff', dark: '#15181e' };

export function resolveTheme(pick: Theme | null | undefined, systemDark: boolean): Shade {
  if (pick === 'light' || pick === 'dark') return pick;
  return systemDark ? 'dark' : 'light';
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function systemDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

/**
 * Follows `pick()` (read again when the desktop's preference changes) onto the document; calls
 * `changed` with each new shade. Gives back a function that stops following.
 */
export function followTheme(pick: () => Theme | null | undefined, changed: (shade: Shade) => void): () => void {
  const apply = () => {
    const shade = resolveTheme(pick(), systemDark());
    if (document.documentElement.dataset.theme !== shade) {
      document.documentElement.dataset.theme = shade;
      changed(shade);
    }
  };
  apply();
  const query = typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null;
  query?.addEventListener?.('change', apply);
  return () => query?.removeEventListener?.('change', apply);
}
