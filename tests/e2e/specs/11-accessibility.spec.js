// Accessibility in the real window: axe-core (default rules plus the experimental
// label-content-name-mismatch) runs on the whole document of every view and dialog, as a user
// meets it (a dialog with the page behind it), in the light and the dark theme picked in the app's
// own settings. No serious or critical violation may be left; each one found is printed with its
// rule, how many nodes and the first of them. The grid is walked by day with the arrow keys.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Key } from 'selenium-webdriver';
import { appNow, By, byTestId, eventually, invoke } from '../lib/app.js';
import { closeDialogs, connectedApp, dayInWindowZone, idle, showDay } from '../lib/calendar.js';
import { addFault, removeFault } from '../lib/emulator.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const OUT = process.env.CHRONOS_E2E_OUT ?? 'test-output/e2e';
/** A day the demo world leaves empty: far from the pinned today, before any series starts. */
const EMPTY_DAY = '2019-02-12';

let app;
let port;
/** view → theme → violations, written out and printed after the run. */
const measured = {};
/** The same with every node, for a look after a failing run. */
const detailed = {};

before(async () => {
  ({ app, port } = await connectedApp());
  // axe on a whole calendar in a debug build takes a while.
  await app.driver.manage().setTimeouts({ implicit: 0, script: 180000 });
});
after(async () => {
  writeFileSync(join(OUT, 'axe.json'), JSON.stringify(measured, null, 2));
  writeFileSync(join(OUT, 'axe-nodes.json'), JSON.stringify(detailed, null, 2));
  for (const [view, themes] of Object.entries(measured)) {
    for (const [theme, found] of Object.entries(themes)) {
      const text = found.map((v) => `${v.id} ${v.impact} (${v.nodes})`).join(', ') || 'none';
      console.log(`axe: ${view} [${theme}]: ${text}`);
    }
  }
  await app?.stop();
});

async function press(...keys) {
  await app.driver.actions().sendKeys(...keys).perform();
}

async function shiftTab() {
  await app.driver.actions().keyDown(Key.SHIFT).sendKeys(Key.TAB).keyUp(Key.SHIFT).perform();
}

const gone = (id) => async () => (await app.driver.findElements(By.css(`[data-testid="${id}"]`))).length === 0;

/** No sync running, no progress bar, no toast left (a toast still up after a while is dismissed). */
async function settle() {
  const { driver } = app;
  await eventually(() => idle(driver), 60000, 'the sync to finish');
  await eventually(gone('sync-progress'), 20000, 'the progress bar to go');
  await eventually(gone('toast'), 12000, 'the toasts to go').catch(async () => {
    for (const t of await driver.findElements(By.css('[data-testid="toast"] button'))) await t.click().catch(() => {});
  });
  // FullCalendar's and our own layout passes after the last change.
  await driver.sleep(400);
}

/** Runs axe on the whole document; gives each violation's rule, impact, node count and first target. */
async function axe() {
  const { driver } = app;
  const loaded = await driver.executeScript('return typeof window.axe === "object"');
  if (!loaded) await driver.executeScript(AXE_SOURCE);
  const result = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.axe
      .run(document, { rules: { 'label-content-name-mismatch': { enabled: true } }, resultTypes: ['violations'] })
      .then((r) => done({ ok: true, violations: r.violations.map((v) => ({
        id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target.join(' '),
        summary: v.nodes[0]?.failureSummary,
        all: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary })) })) }))
      .catch((e) => done({ ok: false, error: String(e) }));`);
  assert.ok(result.ok, `axe ran: ${result.error}`);
  return result.violations;
}

async function audit(view, theme) {
  await settle();
  const found = await axe();
  (detailed[view] ??= {})[theme] = structuredClone(found);
  (measured[view] ??= {})[theme] = found;
  for (const v of found) delete v.all;
  const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = grave.map((v) => `\n  ${v.id} (${v.impact}, ${v.nodes} nodes) first: ${v.target}\n    ${v.summary}`).join('');
  assert.equal(grave.length, 0, `${view} [${theme}]: serious or critical violations:${described}`);
}

/** Picks the theme in the app's settings dialog. */
async function useTheme(theme) {
  const { driver } = app;
  await closeDialogs(driver);
  await (await byTestId(driver, 'open-settings')).click();
  const select = await byTestId(driver, 'settings-theme');
  await select.findElement(By.css(`option[value="${theme}"]`)).click();
  await (await byTestId(driver, 'settings-save')).click();
  await eventually(gone('settings-dialog'), 10000, 'the settings dialog to close');
  await eventually(
    async () => (await driver.executeScript('return document.documentElement.dataset.theme')) === theme,
    10000,
    `the ${theme} theme`,
  );
}

async function showView(name) {
  const { driver } = app;
  await closeDialogs(driver);
  await (await byTestId(driver, `view-${name}`)).click();
  await (await byTestId(driver, 'nav-today')).click();
  await eventually(async () => (await (await byTestId(driver, 'calendar-view')).getAttribute('data-view')) === name,
    10000, `the ${name} view`);
  if (name !== 'agenda') {
    await eventually(async () => (await driver.findElements(By.css('[data-testid="calendar-event"]'))).length > 0,
      20000, `events in the ${name} view`);
  }
}

const VIEWS = {
  month: () => showView('month'),
  week: () => showView('week'),
  day: () => showView('day'),
  agenda: () => showView('agenda'),
  'empty day': async () => {
    await closeDialogs(app.driver);
    await showDay(app.driver, EMPTY_DAY);
  },
  'empty week': async () => {
    await closeDialogs(app.driver);
    await showDay(app.driver, EMPTY_DAY);
    await (await byTestId(app.driver, 'view-week')).click();
    await eventually(async () => (await (await byTestId(app.driver, 'calendar-view')).getAttribute('data-view')) === 'week',
      10000, 'the empty week');
  },
  'event details': async () => {
    await showView('day');
    await app.driver.executeScript('document.querySelector(\'[data-testid="calendar-event"]\').click()');
    await byTestId(app.driver, 'event-details');
  },
  'new event': async () => {
    await showView('week');
    await (await byTestId(app.driver, 'new-event')).click();
    await byTestId(app.driver, 'event-form');
  },
  settings: async () => {
    await closeDialogs(app.driver);
    await (await byTestId(app.driver, 'open-settings')).click();
    await byTestId(app.driver, 'settings-dialog');
  },
  'pending changes': async () => {
    await showView('month');
    await (await byTestId(app.driver, 'pending-button')).click();
    await byTestId(app.driver, 'pending-panel');
  },
  'search results': async () => {
    await showView('month');
    const field = await byTestId(app.driver, 'search-input');
    await field.sendKeys('lunch');
    await eventually(async () => (await app.driver.findElements(By.css('[data-testid="search-hit"]'))).length > 0,
      10000, 'search results');
  },
  'quick add': async () => {
    await showView('month');
    await press('q');
    const input = await byTestId(app.driver, 'quick-add-input');
    await input.sendKeys('Standup every weekday 9:30');
    await eventually(async () => (await (await byTestId(app.driver, 'quick-add-title')).getText()) === 'Standup',
      10000, 'the preview');
  },
  shortcuts: async () => {
    await showView('month');
    await press('?');
    await byTestId(app.driver, 'shortcut-help');
  },
  'sync health': async () => {
    await showView('month');
    await (await byTestId(app.driver, 'open-health')).click();
    await eventually(async () => (await app.driver.findElements(By.css('[data-testid="health-row"]'))).length > 0,
      10000, 'the health rows');
  },
  trash: async () => {
    await showView('month');
    await (await byTestId(app.driver, 'open-trash')).click();
    await byTestId(app.driver, 'trash-dialog');
  },
  'command palette': async () => {
    await showView('month');
    await app.driver.actions().keyDown(Key.CONTROL).sendKeys('k').keyUp(Key.CONTROL).perform();
    await byTestId(app.driver, 'palette-input');
  },
};

/** Leaves whatever the view opened: a dialog, or the search field's list. */
async function leave() {
  const { driver } = app;
  for (let i = 0; i < 3; i++) {
    const open = await driver.findElements(By.css('[role="dialog"], [data-testid="search-results"]'));
    if (open.length === 0) break;
    await press(Key.ESCAPE);
    await driver.sleep(150);
  }
  const [field] = await driver.findElements(By.css('[data-testid="search-input"]'));
  if (field && (await field.getAttribute('value'))) await field.clear();
  await closeDialogs(driver);
}

for (const theme of ['light', 'dark']) {
  for (const [view, open] of Object.entries(VIEWS)) {
    test(`axe: ${view} in the ${theme} theme`, async () => {
      if (view === 'month') await useTheme(theme);
      await open();
      try {
        await audit(view, theme);
      } finally {
        await leave();
      }
    });
  }
}

test('a change waiting to reach Google: dimmed in the grid and listed in the panel, in both themes', async () => {
  const { driver } = app;
  // Google out of reach: the new event stays pending, and the header shows the failed sync.
  const drop = await addFault(port, { pathContains: '/calendar/v3/', action: { kind: 'drop' } });
  try {
    await showView('day');
    await (await byTestId(driver, 'new-event')).click();
    await (await byTestId(driver, 'event-title')).sendKeys('Accessibility probe');
    await (await byTestId(driver, 'event-save')).click();
    await eventually(gone('event-form'), 30000, 'the editor to close');
    const pending = '[data-testid="calendar-event"][data-pending="true"]';
    for (const theme of ['light', 'dark']) {
      await useTheme(theme);
      await showView('day');
      await eventually(async () => (await driver.findElements(By.css(pending))).length > 0, 30000, 'the pending event in the day');
      await audit('day with a pending event', theme);
      await (await byTestId(driver, 'pending-button')).click();
      await byTestId(driver, 'pending-panel');
      await eventually(async () => (await driver.findElements(By.css('[data-testid="pending-panel"] li, [data-testid="pending-panel"] tr'))).length > 0,
        10000, 'the change in the panel');
      await audit('pending changes (one waiting)', theme);
      await leave();
    }
  } finally {
    await removeFault(port, drop);
  }
});

const activeData = () =>
  app.driver.executeScript(`const a = document.activeElement;
    return { date: a?.dataset.date ?? null, testid: a?.dataset.testid ?? null,
      outline: getComputedStyle(a).outlineStyle, inDialog: !!a?.closest('[role="dialog"]') };`);

test('keyboard: the grid is walked by day with a visible ring, across months, and Enter opens the day', async () => {
  const { driver } = app;
  await showView('month');
  const today = await dayInWindowZone(driver, new Date(appNow()).toISOString());
  const stops = await driver.findElements(By.css('[data-testid="grid-day"][tabindex="0"]'));
  assert.equal(stops.length, 1, 'one day cell in the Tab order');
  assert.equal(await stops[0].getAttribute('data-date'), today);
  // Reached as a keyboard user reaches it (a focus by script alone shows no ring in WebKit).
  await driver.executeScript('arguments[0].focus()', stops[0]);
  await shiftTab();
  await press(Key.TAB);
  assert.equal((await activeData()).date, today, 'Tab comes back to the day');
  await press(Key.ARROW_RIGHT);
  const moved = await activeData();
  assert.equal(moved.date, shift(today, 1), 'ArrowRight: the next day');
  assert.notEqual(moved.outline, 'none', 'a focus ring on the day');
  // Six weeks down leaves this month's grid: the view follows and the focus lands on that day.
  for (let i = 0; i < 6; i++) await press(Key.ARROW_DOWN);
  const far = shift(today, 1 + 42);
  await eventually(async () => (await activeData()).date === far, 10000, `the focus on ${far}`);
  await press(Key.ENTER);
  await eventually(async () => (await (await byTestId(driver, 'calendar-view')).getAttribute('data-view')) === 'day',
    10000, 'the day view');
  assert.equal(await (await byTestId(driver, 'goto-date')).getAttribute('value'), far);
});

test('keyboard: a dialog keeps the focus inside while open and gives it back on close', async () => {
  const { driver } = app;
  await closeDialogs(driver);
  const opener = await byTestId(driver, 'open-settings');
  await driver.executeScript('arguments[0].focus()', opener);
  await press(Key.ENTER);
  await byTestId(driver, 'settings-dialog');
  await eventually(async () => (await activeData()).inDialog, 5000, 'the focus in the dialog');
  for (let i = 0; i < 20; i++) {
    await press(Key.TAB);
    assert.ok((await activeData()).inDialog, `Tab ${i + 1} stays in the dialog`);
  }
  await shiftTab();
  assert.ok((await activeData()).inDialog, 'Shift+Tab stays in the dialog');
  await press(Key.ESCAPE);
  await eventually(gone('settings-dialog'), 5000, 'the dialog to close');
  assert.equal((await activeData()).testid, 'open-settings', 'the focus back on what opened it');
});

test('locale: a locale picked in Settings reaches the real grid (de-DE: weeks from Monday), still without violations', async () => {
  const { driver } = app;
  await closeDialogs(driver);
  await (await byTestId(driver, 'open-settings')).click();
  const field = await byTestId(driver, 'settings-locale');
  await field.clear();
  await field.sendKeys('de_DE');
  await (await byTestId(driver, 'settings-save')).click();
  await eventually(gone('settings-dialog'), 10000, 'the settings dialog to close');
  assert.deepEqual(await invoke(driver, 'resolved_locale'), { tag: 'de-DE', hour12: false, firstDay: 1 });
  await showView('month');
  await eventually(async () => {
    const [first] = await driver.findElements(By.css('[data-testid="calendar-view"] th.fc-col-header-cell'));
    return first && (await first.getAttribute('class')).includes('fc-day-mon');
  }, 10000, 'the month to start on Monday');
  await audit('month (de-DE)', 'dark');
});

/** `iso` moved by `days` days. */
function shift(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test('settings survive: the theme is kept by the core', async () => {
  const settings = await invoke(app.driver, 'get_settings');
  assert.equal(settings.theme, 'dark');
});
