// Whoever asked their desktop for less motion gets no transitions or animations: the stylesheet
// turns them off under prefers-reduced-motion (jsdom does not evaluate media queries, so the
// rule itself is checked).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

// Vitest runs from ui/ (its config's root).
const css = readFileSync(resolve(process.cwd(), 'src/styles/app.css'), 'utf8');

it('turns transitions and animations off for everything under prefers-reduced-motion', () => {
  const start = css.indexOf('@media (prefers-reduced-motion: reduce)');
  expect(start).toBeGreaterThanOrEqual(0);
  const block = css.slice(start, css.indexOf('\n}', start));
  expect(block).toMatch(/\*,\s*\*::before,\s*\*::after\s*\{/);
  expect(block).toMatch(/transition-duration:\s*0\.01ms\s*!important/);
  expect(block).toMatch(/animation-duration:\s*0\.01ms\s*!important/);
  expect(block).toMatch(/scroll-behavior:\s*auto\s*!important/);
});
