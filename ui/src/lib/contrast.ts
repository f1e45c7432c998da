// Text that stays readable on an event's colour: WCAG 2 contrast ratios, computed from the
// background (a stored foreground colour is kept only where it reaches the ratio too).

/** WCAG 2's minimum for normal text (AA). */
export const MIN_TEXT_CONTRAST = 4.5;

const DARK_TEXT = '#1d1d1d';
const LIGHT_TEXT = '#ffffff';

type Rgb = [number, number, number];

function parse(hex: string): Rgb | null {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const x = c / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two "#rrggbb" colours, 1 to 21; NaN when either is not one. */
export function contrastRatio(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return Number.NaN;
  const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` laid over `under` at `alpha` (0..1), as the screen shows it. */
export function blend(color: string, under: string, alpha: number): string {
  const x = parse(color);
  const y = parse(under);
  if (!x || !y) return color;
  return toHex([0, 1, 2].map((i) => x[i] * alpha + y[i] * (1 - alpha)) as Rgb);
}

/**
 * The text colour for `background`: `stored` when it reaches 4.5:1 there, else the near-black or
 * white that contrasts more (pure black where neither reaches it: one of the two always does).
 */
export function readableText(background: string, stored?: string | null): string {
  if (!parse(background)) return DARK_TEXT;
  if (stored && parse(stored) && contrastRatio(stored, background) >= MIN_TEXT_CONTRAST) return stored;
  const dark = contrastRatio(DARK_TEXT, background);
  const light = contrastRatio(LIGHT_TEXT, background);
  if (Math.max(dark, light) >= MIN_TEXT_CONTRAST) return dark >= light ? DARK_TEXT : LIGHT_TEXT;
  return contrastRatio('#000000', background) >= light ? '#000000' : LIGHT_TEXT;
}

/** How much of its own colour a pending (not yet sent) event keeps over the page. */
export const PENDING_ALPHA = 0.55;

export interface EventColours {
  background: string;
  border: string;
  text: string;
}

/**
 * An event's colours on a page of colour `page`. A pending event is dimmed by mixing its colour
 * into the page's (not by opacity, which would dim its text too), and its text is chosen for
 * the dimmed colour; its border keeps the full colour.
 */
export function eventColours(background: string, stored: string | null | undefined, pending: boolean, page: string): EventColours {
  const shown = pending ? blend(background, page, PENDING_ALPHA) : background;
  return { background: shown, border: background, text: readableText(shown, stored) };
}
