// The demo journey in one running app: connect the demo account, watch the first sync's
// progress reach completion, see events in the month view, sync from a chronos:// deep link,
// survive hostile event content, and go through Needs re-auth → Reconnect.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, dayInTitle, eventually, freePort, invoke, launch, screenshot } from '../lib/app.js';
import { addFault, clearFaults, emulator } from '../lib/emulator.js';

const run = promisify(execFile);
let app;
let emu;
let port;

before(async () => {
  port = await freePort();
  app = await launch({ env: { CHRONOS_DEMO_EMULATOR_PORT: String(port) } });
  emu = emulator(port);
  await eventually(async () => (await emu.accounts()).length > 0, 20000, 'the demo emulator');
});
after(async () => {
  await app?.stop();
});

async function syncState(driver) {
  const els = await driver.findElements(By.css('[data-testid="sync-status"]'));
  return els.length ? els[0].getAttribute('data-state') : null;
}

test('connect the demo account; the first sync shows progress and completes', async () => {
  const { driver } = app;
  // Slow the stand-in down so the progress bar is on screen long enough to be watched.
  await emu.setLatency(250);
  // Record every state and progress value the page shows, however briefly.
  await driver.executeScript(`
    window.__syncLog = [];
    const note = () => {
      const s = document.querySelector('[data-testid="sync-status"]');
      const bar = document.querySelector('[data-testid="sync-progress"]');
      const shown = document.querySelectorAll('[data-testid="calendar-event"]').length;
      const entry = (s ? s.getAttribute('data-state') : '-') + ':' + (bar ? bar.getAttribute('data-value') : '') + ':' + shown;
      if (window.__syncLog.at(-1) !== entry) window.__syncLog.push(entry);
    };
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
  `);
  // One calendar's events arrive 3 s late, as a large calendar's would: the others' events must
  // be on screen meanwhile.
  await addFault(port, { method: 'GET', pathRegex: '/events(\\?|$)', action: { kind: 'delay' }, latencyMs: 3000, times: 1 });
  await (await byTestId(driver, 'connect-account')).click();

  let shot = false;
  await eventually(
    async () => {
      const state = await syncState(driver);
      if (state === 'syncing' && !shot) {
        shot = true;
        await screenshot(driver, '02-first-sync-progress');
      }
      return state === 'up_to_date';
    },
    90000,
    'the first sync to finish',
  );
  await emu.setLatency(0);
  await clearFaults(port);
  const log = await driver.executeScript('return window.__syncLog;');
  const syncingEntries = log.filter((e) => e.startsWith('syncing:')).map((e) => e.split(':'));
  const values = syncingEntries.filter(([, v]) => v !== '').map(([, v]) => Number(v));
  assert.ok(values.length > 0, `the progress bar was never shown while syncing: ${log}`);
  for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `progress went back: ${log}`);
  // The shell sends a run's last progress before its end: the bar is seen full.
  assert.equal(values.at(-1), 100, `the bar never reached completion: ${log}`);
  assert.equal(log.at(-1).split(':')[0], 'up_to_date', `${log}`);
  // The view fills in while the first sync runs: events are on screen before it ends.
  assert.ok(syncingEntries.some(([, , shown]) => Number(shown) > 0), `no event shown while syncing: ${log}`);
  console.log(`sync states seen: ${log.join(' ')}`);

  const summary = await (await byTestId(driver, 'sync-summary')).getText();
  const m = summary.replace(/,/g, '').match(/Synced (\d+) events? from (\d+) calendars?/);
  assert.ok(m, `unexpected summary: ${summary}`);
  assert.ok(Number(m[1]) > 0, summary);
  // Every calendar shown in the sidebar was synced.
  const selected = (await invoke(driver, 'list_calendars')).filter((c) => c.selected);
  assert.equal(Number(m[2]), selected.length, summary);
  await screenshot(driver, '03-up-to-date');

  const accounts = await invoke(driver, 'list_accounts');
  assert.equal(accounts.length, 1);
  assert.equal(accounts[0].id, (await emu.accounts())[0].email);
});

test('events are visible in the month view', async () => {
  const { driver } = app;
  const events = await eventually(
    async () => {
      const found = await driver.findElements(By.css('[data-testid="calendar-event"]'));
      return found.length > 0 ? found : null;
    },
    20000,
    'events in the month view',
  );
  assert.ok(events.length > 0);
  await screenshot(driver, '04-month-view');
});

test('a chronos://sync deep link syncs in the running instance', async () => {
  await emu.resetRequests();
  const before = (await emu.counters()).total;
  assert.equal(before, 0);
  // A second launch with the link: single-instance hands it to the running app and exits.
  const second = await run(process.env.CHRONOS_APP, ['chronos://sync'], {
    env: { ...process.env, CHRONOS_DATA_DIR: app.dataDir },
    timeout: 30000,
  });
  assert.ok(second, 'the second launch exited');
  await eventually(
    async () => ((await emu.counters()).byOperation['events.list'] ?? 0) > 0,
    30000,
    'the deep link to reach the emulator as events.list calls',
  );
  await eventually(async () => (await syncState(app.driver)) === 'up_to_date', 30000, 'sync end');
});

test('chronos://open?date= shows that day in the running instance', async () => {
  await run(process.env.CHRONOS_APP, ['chronos://open?date=2027-03-14'], {
    env: { ...process.env, CHRONOS_DATA_DIR: app.dataDir },
    timeout: 30000,
  });
  await dayInTitle(app.driver, { year: 2027, month: 'Mar', date: 14 });
  await screenshot(app.driver, '04b-deep-link-open');
  await (await byTestId(app.driver, 'view-month')).click();
  await (await byTestId(app.driver, 'nav-today')).click();
});

test('hostile event text is shown as text and runs nothing', async () => {
  const { driver } = app;
  const calendars = await invoke(driver, 'list_calendars');
  const primary = calendars.find((c) => c.primary) ?? calendars[0];
  const now = new Date(appNow());
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 10, 0).toISOString();
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 11, 0).toISOString();
  await driver.executeScript('window.__xss = 0;');
  const inserted = await emu.insertEvent(primary.id, {
    summary: 'XSS probe <img src=x onerror="window.__xss=1">',
    description:
      '<script>window.__xss=2</script><img src=x onerror="window.__xss=3">' +
      '<a href="javascript:window.__xss=4">link</a><b>bold</b>',
    start: { dateTime: start },
    end: { dateTime: end },
  });
  assert.ok(inserted.id);
  // The day view shows every timed event of today (the month view may fold it into "+n more").
  await (await byTestId(driver, 'view-day')).click();
  await (await byTestId(driver, 'nav-today')).click();
  // A click that lands while a run is in flight joins that run, which may have fetched before
  // the insert: ask again (as a user would) until the event shows.
  let lastClick = 0;
  // Found and clicked in one step: a refetch may re-render the view in between (retried).
  await eventually(
    async () => {
      for (const el of await driver.findElements(By.css('[data-testid="calendar-event"]'))) {
        if ((await el.getText()).includes('XSS probe')) {
          // Demo events may overlap the probe; a DOM click reaches it regardless.
          await driver.executeScript('arguments[0].click();', el);
          return true;
        }
      }
      if (Date.now() - lastClick > 6000 && (await syncState(driver)) !== 'syncing') {
        lastClick = Date.now();
        await (await byTestId(driver, 'sync-now')).click();
      }
      return null;
    },
    45000,
    'the probe event in the view',
    async () => {
      await screenshot(driver, 'failed-probe');
      return JSON.stringify(await invoke(driver, 'sync_status'));
    },
  );
  const dialog = await byTestId(driver, 'event-dialog');
  await byTestId(driver, 'event-details');
  await screenshot(driver, '05-hostile-event');
  const text = await dialog.getText();
  assert.ok(text.includes('XSS probe <img'), `the title is shown as text, got: ${text}`);
  // Give any payload a moment to fire before checking it did not.
  await driver.sleep(500);
  assert.equal(await driver.executeScript('return window.__xss;'), 0);
  assert.equal((await driver.findElements(By.css('[data-testid="event-details"] script'))).length, 0);
  assert.equal((await driver.findElements(By.css('[data-testid="event-details"] img'))).length, 0);
  // Event content never reaches the log files.
  const logDir = join(app.dataDir, 'demo', 'logs');
  const logs = readdirSync(logDir).map((f) => readFileSync(join(logDir, f), 'utf8')).join('\n');
  assert.ok(logs.includes('Chronos starting'), 'the log file is written');
  assert.ok(!logs.includes('XSS probe'), 'an event title reached the logs');
  for (const close of await driver.findElements(By.css('[data-testid="dialog-close"]'))) {
    if (await close.isDisplayed()) await close.click();
  }
  await eventually(
    async () => (await driver.findElements(By.css('[data-testid="event-dialog"]'))).length === 0,
    5000,
    'the dialog to close',
  );
  await (await byTestId(driver, 'view-month')).click();
});

test('a revoked grant shows Needs re-auth, and Reconnect recovers', async () => {
  const { driver } = app;
  const [account] = await emu.accounts();
  await emu.revokeGrant(account.email);
  await (await byTestId(driver, 'sync-now')).click();
  await eventually(
    async () => (await syncState(driver)) === 'needs_reauth',
    30000,
    'Needs re-auth',
    async () => {
      await screenshot(driver, 'failed-needs-reauth');
      const els = await driver.findElements(By.css('[data-testid="sync-status"]'));
      const states = await Promise.all(els.map((e) => e.getAttribute('data-state')));
      return `UI states ${states}; shell ${JSON.stringify(await invoke(driver, 'sync_status'))}`;
    },
  );
  await screenshot(driver, '06-needs-reauth');
  await (await byTestId(driver, 'reconnect-account')).click();
  await eventually(async () => (await syncState(driver)) === 'up_to_date', 60000, 'sync after reconnect');
  await screenshot(driver, '07-reconnected');
});
