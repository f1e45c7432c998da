// The README's pictures, taken in the real window on the demo world at the pinned day: the month,
// search, quick add and the sync status. WebKitGTK's driver only answers a screenshot of a page
// drawn with compositing, so this launch turns it back on (the app leaves a user's own
// WEBKIT_DISABLE_COMPOSITING_MODE alone). Written to docs/screenshots/; commit them when they change.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { By, byTestId, eventually, freePort, invoke, launch } from '../lib/app.js';
import { LONG } from '../lib/calendar.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'screenshots');

let app;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  const port = await freePort();
  // As a newcomer meets it: the demo account connects by itself.
  app = await launch({
    env: { CHRONOS_DEMO_EMULATOR_PORT: String(port), WEBKIT_DISABLE_COMPOSITING_MODE: '0', CHRONOS_DEMO_AUTOCONNECT: '1' },
  });
  await eventually(
    async () => {
      const s = await invoke(app.driver, 'sync_status');
      return s.length > 0 && s.every((x) => x.state === 'up_to_date');
    },
    LONG,
    'the first sync',
  );
  await (await byTestId(app.driver, 'view-month')).click();
  await (await byTestId(app.driver, 'nav-today')).click();
  // Toasts and progress settle before the first picture.
  await new Promise((r) => setTimeout(r, 2500));
});
after(async () => {
  await app?.stop();
});

async function picture(name) {
  const shot = await app.driver.takeScreenshot();
  assert.ok(shot && shot.length > 1000, `a picture for ${name}`);
  writeFileSync(join(OUT, `${name}.png`), Buffer.from(shot, 'base64'));
}

test('the month view with the sync status', async () => {
  await eventually(async () => (await app.driver.findElements(By.css('[data-testid="calendar-event"]'))).length > 0,
    20000, 'events in the month');
  await picture('month');
});

test('search', async () => {
  const field = await byTestId(app.driver, 'search-input');
  await field.sendKeys('lunch');
  await eventually(async () => (await app.driver.findElements(By.css('[data-testid="search-hit"]'))).length > 0,
    10000, 'search results');
  await picture('search');
  await field.clear();
  await app.driver.actions().sendKeys('\uE00C').perform();
});

test('quick add', async () => {
  await app.driver.actions().sendKeys('\uE00C', 'q').perform();
  const input = await byTestId(app.driver, 'quick-add-input');
  await input.sendKeys('Standup every weekday 9:30');
  await eventually(async () => (await (await byTestId(app.driver, 'quick-add-title')).getText()) === 'Standup',
    10000, 'the preview');
  await picture('quick-add');
  await (await byTestId(app.driver, 'dialog-close')).click();
});
