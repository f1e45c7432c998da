// The window opens where the last run left it: the view, the day it was on, and the window's
// size and place, across a restart on the same data directory. Also the sidebar's mini month
// as a way there, and a quarter-hour event whose title stays inside its block.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { By, appNow, byTestId, eventually, invoke, launch, screenshot } from '../lib/app.js';
import { connectedApp, dayInWindowZone, showDay } from '../lib/calendar.js';

const dataDir = mkdtempSync(join(tmpdir(), 'chronos-e2e-memory-'));
let app;
after(async () => {
  await app?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const pressed = async (driver, id) => (await byTestId(driver, id)).getAttribute('aria-pressed');
const gotoValue = async (driver) => (await byTestId(driver, 'goto-date')).getAttribute('value');

/** The 15th of the month after the app's today, "YYYY-MM-DD". */
function nextMonthsFifteenth() {
  const d = new Date(appNow());
  const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 15));
  return next.toISOString().slice(0, 10);
}

const WANTED = { width: 1000, height: 700 };

test('a day picked in the mini month, the week view and the window size come back after a restart', async () => {
  app = await launch({ env: { CHRONOS_DATA_DIR: dataDir } });
  let { driver } = app;
  await byTestId(driver, 'mini-month');
  await byTestId(driver, 'calendar-view');
  const day = nextMonthsFifteenth();
  (await byTestId(driver, 'mini-month-next')).click();
  const button = await eventually(async () => {
    const found = await driver.findElements(By.css(`[data-testid="mini-month"] button[data-date="${day}"]`));
    return found[0];
  }, 10000, `the mini month's button for ${day}`);
  const label = await button.getAttribute('aria-label');
  assert.match(label, /^\w+day, \w+ 15, \d{4}$/, 'a day named in words');
  await button.click();
  await eventually(async () => (await gotoValue(driver)) === day, 10000, `the date box to say ${day}`);
  (await byTestId(driver, 'view-week')).click();
  await eventually(async () => (await pressed(driver, 'view-week')) === 'true', 10000, 'the week view');
  await driver.manage().window().setRect(WANTED);
  await eventually(async () => {
    const file = join(dataDir, 'demo', 'ui_state.json');
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      return saved.lastView?.view === 'week' && saved.lastView?.date === day && saved.window?.width > 0;
    } catch {
      return false;
    }
  }, 10000, 'the view, the day and the window to be kept');
  const before = await driver.manage().window().getRect();
  await screenshot(driver, '09-before-restart');
  await app.stop();

  app = await launch({ env: { CHRONOS_DATA_DIR: dataDir } });
  driver = app.driver;
  await byTestId(driver, 'calendar-view');
  await eventually(async () => (await pressed(driver, 'view-week')) === 'true', 20000, 'the week view again');
  await eventually(async () => (await gotoValue(driver)) === day, 20000, `the date box to say ${day} again`);
  const shown = await (await byTestId(driver, 'calendar-view')).getAttribute('data-view');
  assert.equal(shown, 'week');
  const rect = await driver.manage().window().getRect();
  await screenshot(driver, '09-after-restart');
  assert.ok(Math.abs(rect.width - before.width) <= 2 && Math.abs(rect.height - before.height) <= 2,
    `the window came back ${rect.width}×${rect.height}, left at ${before.width}×${before.height}`);
});

test('a quarter-hour event in the day view shows its title inside its block', async () => {
  await app?.stop();
  let calendarId;
  ({ app, calendarId } = await connectedApp());
  const { driver } = app;
  const start = new Date(Math.ceil(appNow() / 36e5) * 36e5);
  const end = new Date(start.getTime() + 15 * 6e4);
  const [account] = await invoke(driver, 'list_accounts');
  const title = 'Quick check-in';
  const created = await invoke(driver, 'create_event', {
    input: { accountId: account.id, calendarId, title, start: start.toISOString(), end: end.toISOString(), allDay: false },
  });
  await showDay(driver, await dayInWindowZone(driver, start.toISOString()));
  const box = await eventually(async () => {
    const [el] = await driver.findElements(By.css(`[data-testid="calendar-event"][data-event-id="${created.id}"]`));
    return el;
  }, 30000, 'the new event in the day view');
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', box);
  const rects = await driver.executeScript(`
    const el = arguments[0];
    const t = el.querySelector('.chronos-event-title');
    const r = (x) => { const b = x.getBoundingClientRect(); return { top: b.top, bottom: b.bottom, left: b.left, right: b.right }; };
    return { box: r(el), title: r(t), text: t.textContent, compact: !!el.querySelector('.is-compact') };
  `, box);
  await screenshot(driver, '09-short-event');
  assert.equal(rects.text, title);
  assert.ok(rects.compact, 'a short event is drawn on one line');
  assert.ok(rects.title.top >= rects.box.top - 1 && rects.title.bottom <= rects.box.bottom + 1,
    `the title (${JSON.stringify(rects.title)}) inside its block (${JSON.stringify(rects.box)})`);
  assert.ok(rects.title.right - rects.title.left > 20, 'the title has room to be read');
});
