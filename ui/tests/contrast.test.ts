import { describe, expect, it } from 'vitest';
import { blend, contrastRatio, eventColours, MIN_TEXT_CONTRAST, readableText } from '../src/lib/contrast';

// Google's calendar and event palettes (the colors endpoint), with its stored foreground.
const CALENDAR_PALETTE = [
  '#ac725e', '#d06b64', '#f83a22', '#fa573c', '#ff7537', '#ffad46', '#42d692', '#16a765',
  '#7bd148', '#b3dc6c', '#fbe983', '#fad165', '#92e1c0', '#9fe1e7', '#9fc6e7', '#4986e7',
  '#9a9cff', '#b99aff', '#c2c2c2', '#cabdbf', '#cca6ac', '#f691b2', '#cd74e6', '#a47ae2',
];
const EVENT_PALETTE = ['#a4bdfc', '#7ae7bf', '#dbadff', '#ff887c', '#fbd75b', '#ffb878', '#46d6db', '#e1e1e1', '#5484ed', '#51b749', '#dc2127'];
const GOOGLE_FOREGROUND = '#1d1d1d';
// The window's page colours, light and dark (styles/app.css --bg).
const PAGES = ['#ffffff', '#15181e'];

describe('contrastRatio', () => {
  it('is 21 for black on white and 1 for a colour on itself, either order', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ac725e', '#ac725e')).toBe(1);
  });
  it('matches what axe measured for white on Google\'s "cocoa" (3.94)', () => {
    expect(contrastRatio('#ffffff', '#ac725e')).toBeCloseTo(3.94, 1);
  });
  it('is NaN for what is not a colour', () => {
    expect(contrastRatio('red', '#ffffff')).toBeNaN();
  });
});

describe('readableText', () => {
  it('reaches 4.5:1 on every colour of Google\'s palettes, normal and pending, in both themes', () => {
    for (const bg of [...CALENDAR_PALETTE, ...EVENT_PALETTE]) {
      for (const stored of [GOOGLE_FOREGROUND, '#ffffff', null]) {
        for (const page of PAGES) {
          for (const pending of [false, true]) {
            const c = eventColours(bg, stored, pending, page);
            expect(contrastRatio(c.text, c.background), `${c.text} on ${c.background} (${bg}, ${stored}, ${page}, ${pending})`)
              .toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
          }
        }
      }
    }
  });
  it('reaches it on any grey, where neither near-black nor white might', () => {
    for (let v = 0; v < 256; v += 5) {
      const grey = `#${v.toString(16).padStart(2, '0').repeat(3)}`;
      expect(contrastRatio(readableText(grey), grey), grey).toBeGreaterThanOrEqual(MIN_TEXT_CONTRAST);
    }
  });
  it('keeps a stored foreground that reads well, and replaces one that does not', () => {
    expect(readableText('#fbd75b', '#1d1d1d')).toBe('#1d1d1d');
    expect(readableText('#1a237e', '#ffeb3b')).toBe('#ffeb3b');
    // White on Google's "cocoa" is 3.94:1 and near-black not enough either: black it is.
    expect(readableText('#ac725e', '#ffffff')).toBe('#000000');
  });
  it('falls back to near-black for what is not a colour', () => {
    expect(readableText('transparent')).toBe('#1d1d1d');
  });
});

describe('eventColours', () => {
  it('dims a pending event by mixing it into the page, keeping the full colour on its border', () => {
    const c = eventColours('#4986e7', null, true, '#ffffff');
    expect(c.border).toBe('#4986e7');
    expect(c.background).toBe(blend('#4986e7', '#ffffff', 0.55));
    expect(c.background).not.toBe('#4986e7');
    expect(eventColours('#4986e7', null, false, '#ffffff').background).toBe('#4986e7');
  });
});
