// Colours as Google defines them. The shell resolves `EventView.color`; the palette below is
// the fallback for the edit form's colour picker when `event_colors` is unavailable.

import type { ColorDefinition } from '../api/types';
import { readableText } from './contrast';

export const GOOGLE_EVENT_COLORS: Record<string, ColorDefinition & { name: string }> = {
  '1': { name: 'Lavender', background: '#a4bdfc', foreground: '#1d1d1d' },
  '2': { name: 'Sage', background: '#7ae7bf', foreground: '#1d1d1d' },
  '3': { name: 'Grape', background: '#dbadff', foreground: '#1d1d1d' },
  '4': { name: 'Flamingo', background: '#ff887c', foreground: '#1d1d1d' },
  '5': { name: 'Banana', background: '#fbd75b', foreground: '#1d1d1d' },
  '6': { name: 'Tangerine', background: '#ffb878', foreground: '#1d1d1d' },
  '7': { name: 'Peacock', background: '#46d6db', foreground: '#1d1d1d' },
  '8': { name: 'Graphite', background: '#e1e1e1', foreground: '#1d1d1d' },
  '9': { name: 'Blueberry', background: '#5484ed', foreground: '#1d1d1d' },
  '10': { name: 'Basil', background: '#51b749', foreground: '#1d1d1d' },
  '11': { name: 'Tomato', background: '#dc2127', foreground: '#1d1d1d' },
};

/** The text colour that reads at 4.5:1 or better on `hex`. */
export function contrastText(hex: string): string {
  return readableText(hex);
}

/** Only "#rrggbb" reaches a style attribute. */
export function safeColor(value: string | null | undefined): string | null {
  return value && /^#[0-9a-f]{6}$/i.test(value.trim()) ? value.trim() : null;
}
