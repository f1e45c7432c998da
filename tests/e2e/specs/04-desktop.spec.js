// Chronos as the desktop sees it, over the private session bus: the tray item registered with a
// StatusNotifierWatcher (its status line, icon and menu read and clicked over
// org.kde.StatusNotifierItem and com.canonical.dbusmenu), desktop notifications received by an
// org.freedesktop.Notifications server (re-auth once per problem, popup reminders at their
// moment), close-to-tray (the window closed as a window manager closes it), a second launch
// that shows the first window, and launch at login (the XDG autostart entry, a start in the tray).

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, freePort, invoke, launch, screenshot } from '../lib/app.js';
import { emulator } from '../lib/emulator.js';
import { decodePng, startDesktop } from '../lib/dbus-desktop.js';
import { mapState, requestClose, windowsTitled } from '../lib/x11-window.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const OUT = process.env.CHRONOS_E2E_OUT ?? 'test-output/e2e';
const REAUTH_TITLE = 'Chronos needs you to sign in again';
// The reminder loop looks every 20 s (reminders.rs CHECK_EVERY).
const CHECK_EVERY_MS = 20000;

// The three icons the app ships, decoded: the tray's current icon is compared pixel for pixel.
const ICONS = Object.fromEntries(
  [['idle', 'tray.png'], ['syncing', 'tray-syncing.png'], ['error', 'tray-error.png']].map(
    ([look, file]) => [look, decodePng(readFileSync(join(ROOT, 'icons', file))).rgba],
  ),
);

let app;
let emu;
let emuPort;
let desk;
let tray;
/** Every distinct (status line, icon) the tray showed, in order, for the JSON dump. */
const seen = [];
const measured = {};

before(async () => {
  // The desktop is up before the app, as it is when a user logs in.
  desk = await startDesktop();
  emuPort = await freePort();
  app = await launch({ env: { CHRONOS_DEMO_EMULATOR_PORT: String(emuPort) } });
  emu = emulator(emuPort);
  await eventually(async () => (await emu.accounts()).length > 0, 20000, 'the demo emulator');
});

after(async () => {
  try {
    writeFileSync(
      join(OUT, '04-desktop.json'),
      JSON.stringify({ trayStates: seen, measured, ...desk?.snapshot() }, null, 2),
    );
  } finally {
    await app?.stop();
    await desk?.stop();
  }
});

/** Which shipped icon the tray shows ("idle", "syncing", "error"), or what file it shows. */
async function look() {
  const icon = await tray.icon();
  for (const [name, rgba] of Object.entries(ICONS)) if (rgba.equals(icon.rgba)) return name;
  return `unknown icon ${icon.file}`;
}

/** The status line and icon, retried: an icon file is replaced (and the old one removed) on change,
 * and a redraw may fall between reading the line and the icon. */
async function trayState() {
  return eventually(async () => {
    // The line and the icon are two reads of a tray that may be redrawn between them: a sample
    // whose icon changed while the line was read is taken again.
    const before = await look();
    const [status] = await tray.entries();
    const after = await look();
    if (before !== after) return null;
    const state = { line: status.label, look: after };
    const last = seen.at(-1);
    if (!last || last.line !== state.line || last.look !== state.look) {
      seen.push({ at: new Date().toISOString(), ...state });
    }
    return state;
  }, 5000, 'the tray state');
}

async function waitForTray(pred, what, ms = 30000) {
  let last;
  return eventually(async () => {
    last = await trayState();
    return pred(last) && last;
  }, ms, what, async () => JSON.stringify(last));
}

async function uiState() {
  const els = await app.driver.findElements(By.css('[data-testid="sync-status"]'));
  return els.length ? els[0].getAttribute('data-state') : null;
}

const reauthNotices = () => desk.notifications.filter((n) => n.summary === REAUTH_TITLE);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('the tray item registers with the desktop and has its menu', async () => {
  await eventually(async () => desk.items().length > 0, 20000, 'a StatusNotifierItem registration');
  assert.equal(desk.items().length, 1, `one item: ${desk.items()}`);
  tray = desk.tray();
  const props = await tray.properties();
  assert.equal(props.Status, 'Active');
  assert.match(props.Menu, /^\//, 'the item exports a menu');
  const entries = await tray.entries();
  assert.deepEqual(entries.map((e) => e.label),
    ['No account connected', 'Sync now', 'Open Chronos', 'Quick add…', 'Quit']);
  assert.equal(entries[0].enabled, false, 'the status line is not clickable');
  assert.ok(entries.slice(1).every((e) => e.enabled));
  assert.equal((await trayState()).look, 'idle');
  measured.itemProperties = props;
  measured.menu = (await tray.menu()).root;
});

test('the first sync: the tray shows Syncing with its icon, then Up to date', async () => {
  // Slow the stand-in down so "syncing" lasts long enough to be seen from outside.
  await emu.setLatency(250);
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      await trayState().catch(() => {});
      await sleep(50);
    }
  })();
  try {
    await (await byTestId(app.driver, 'connect-account')).click();
    await eventually(async () => (await uiState()) === 'up_to_date', 90000, 'the first sync');
    const up = await waitForTray((s) => s.line.startsWith('Up to date'), 'Up to date in the tray');
    assert.equal(up.line, 'Up to date · synced just now');
    assert.equal(up.look, 'idle');
  } finally {
    watching = false;
    await watcher;
    await emu.setLatency(0);
  }
  const syncing = seen.filter((s) => s.line.startsWith('Syncing'));
  assert.ok(syncing.length > 0, `the tray never said Syncing: ${JSON.stringify(seen)}`);
  for (const s of syncing) {
    assert.match(s.line, /^Syncing(…| \d+ of \d+ calendars)$/);
    assert.equal(s.look, 'syncing', `icon while "${s.line}"`);
  }
  const counted = syncing.map((s) => /(\d+) of (\d+)/.exec(s.line)).filter(Boolean);
  for (const [, done, total] of counted) assert.ok(Number(done) <= Number(total));
  console.log(`tray during the first sync: ${seen.map((s) => `${s.line} [${s.look}]`).join(' → ')}`);
  await screenshot(app.driver, '04-desktop-up-to-date');
});

test('Sync now in the tray menu makes the app sync', async () => {
  await emu.resetRequests();
  assert.equal((await emu.counters()).total, 0);
  const clicked = await tray.click('Sync now');
  assert.equal(clicked.label, 'Sync now');
  const counters = await eventually(
    async () => {
      const c = await emu.counters();
      return (c.byOperation['events.list'] ?? 0) > 0 && c;
    },
    20000,
    'the tray click to reach the emulator as events.list calls',
  );
  measured.syncNowRequests = counters.byOperation;
  await waitForTray((s) => s.line === 'Up to date · synced just now' && s.look === 'idle',
    'Up to date after Sync now');
});

test('a failing sync: Sync failed and the error icon in the tray, one notification', async () => {
  const faults = `http://127.0.0.1:${emuPort}/__emulator/faults`;
  const failTitle = 'Chronos could not sync';
  const failNotices = () => desk.notifications.filter((n) => n.summary === failTitle);
  assert.equal(failNotices().length, 0);
  // Every calendar-list request fails as Google fails on a bad request (not retried).
  const breakSync = async () => {
    const res = await fetch(faults, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pathContains: 'calendarList', action: { kind: 'status', status: 400 } }),
    });
    assert.ok(res.ok, await res.text());
  };
  await breakSync();
  try {
    await tray.click('Sync now');
    const failed = await waitForTray((s) => s.line === 'Sync failed', 'Sync failed in the tray', 60000);
    assert.equal(failed.look, 'error');
    await eventually(async () => failNotices().length > 0, 10000, 'the sync-failure notification');
    // More attempts (they do reach the server) fail the same way: the desktop is not told again.
    await emu.resetRequests();
    for (let i = 0; i < 3; i++) {
      await tray.click('Sync now');
      await sleep(2500);
      assert.equal((await trayState()).line, 'Sync failed');
    }
    const retried = (await emu.counters()).byOperation['calendarList.list'] ?? 0;
    measured.syncFailedRetriesReachingServer = retried;
    assert.ok(retried >= 1, 'the repeated Sync now clicks never reached the emulator');
    measured.syncFailedNotifications = failNotices().length;
    assert.equal(failNotices().length, 1, JSON.stringify(desk.notifications));
  } finally {
    await fetch(faults, { method: 'DELETE' });
  }
  await tray.click('Sync now');
  const back = await waitForTray((s) => s.line.startsWith('Up to date'), 'Up to date again');
  assert.equal(back.look, 'idle');

  // Once per problem, not once ever: after a recovery the same failure is news again.
  await breakSync();
  try {
    await tray.click('Sync now');
    await eventually(async () => failNotices().length === 2, 20000, 'a notification for the new failure',
      async () => JSON.stringify(failNotices()));
  } finally {
    await fetch(faults, { method: 'DELETE' });
  }
  await tray.click('Sync now');
  await waitForTray((s) => s.line.startsWith('Up to date'), 'Up to date once more');
});

test('popup reminders become desktop notifications at their moment', async () => {
  const calendars = await invoke(app.driver, 'list_calendars');
  const primary = calendars.find((c) => c.primary) ?? calendars[0];
  // Times in the notification follow the display zone chosen in Settings.
  const zone = 'Asia/Tokyo';
  const settings = await invoke(app.driver, 'get_settings');
  await invoke(app.driver, 'set_settings', { settings: { ...settings, displayTimeZone: zone } });
  const hhmmIn = (d) => new Intl.DateTimeFormat('en-GB',
    { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  // Event times are on the app's clock; the notification log stamps the real one.
  const onAppClock = (at) => new Date(at).getTime() + (appNow() - Date.now());
  const now = appNow();
  const whole = (ms) => new Date(Math.floor(ms / 1000) * 1000);
  // Due 25 s from now (starts in 85 s with a popup one minute before): the reminder loop's
  // regular check (every 20 s) sees the synced event before its moment and wakes on it.
  const onTime = { title: `Reminder probe ${now}`, start: whole(now + 85000) };
  onTime.due = new Date(onTime.start.getTime() - 60000);
  // Due 30 s ago (longer than the loop's 20 s cadence, so no check can have looked past it
  // yet with the event known): it reaches the app after its moment, within the grace period.
  const late = { title: `Late reminder probe ${now}`, start: whole(now + 30000) };
  late.due = new Date(late.start.getTime() - 60000);
  for (const ev of [onTime, late]) {
    await emu.insertEvent(primary.id, {
      summary: ev.title,
      start: { dateTime: ev.start.toISOString() },
      end: { dateTime: new Date(ev.start.getTime() + 30 * 60000).toISOString() },
      reminders: { useDefault: false, overrides: [{ method: 'popup', minutes: 1 }] },
    });
  }
  await emu.resetRequests();
  await tray.click('Sync now');
  await eventually(async () => ((await emu.counters()).byOperation['events.list'] ?? 0) > 0,
    20000, 'the sync that fetches the new events');

  const noticeFor = (title) => desk.notifications.filter((n) => n.summary === title);
  const shown = await eventually(
    async () => noticeFor(onTime.title)[0],
    Math.max(0, onTime.due - appNow()) + CHECK_EVERY_MS + 10000,
    'the on-time reminder notification',
    async () => JSON.stringify(desk.notifications),
  );
  const lateness = onAppClock(shown.at) - onTime.due;
  measured.reminderLatenessMs = lateness;
  console.log(`on-time reminder shown ${lateness} ms after its moment`);
  assert.ok(lateness >= 0, `shown ${-lateness} ms before its moment`);
  assert.ok(lateness <= 2000, `shown ${lateness} ms after its moment`);
  assert.equal(shown.body, `In 1 min, at ${hhmmIn(onTime.start)}`);
  // notify-rust names the sender by its executable.
  assert.equal(shown.appName, 'chronos');

  const lateShown = await eventually(async () => noticeFor(late.title)[0],
    CHECK_EVERY_MS + 10000, 'the late-arriving reminder notification',
    async () => JSON.stringify(desk.notifications));
  measured.lateReminderShownAfterMomentMs = onAppClock(lateShown.at) - late.due;
  assert.match(lateShown.body, new RegExp(`at ${hhmmIn(late.start)}$`));
  // One more check of the reminder loop passes: neither is shown a second time.
  await sleep(CHECK_EVERY_MS + 2000);
  assert.equal(noticeFor(onTime.title).length, 1);
  assert.equal(noticeFor(late.title).length, 1);
  await invoke(app.driver, 'set_settings', { settings });
});

test('a revoked grant: Needs re-auth and the error icon in the tray, one notification', async () => {
  assert.equal(reauthNotices().length, 0);
  const [account] = await emu.accounts();
  await emu.revokeGrant(account.email);
  await tray.click('Sync now');
  const state = await waitForTray((s) => s.line === 'Needs re-auth', 'Needs re-auth in the tray');
  assert.equal(state.look, 'error');
  await eventually(async () => reauthNotices().length > 0, 10000, 'the re-auth notification');
  const [notice] = reauthNotices();
  assert.match(notice.body, new RegExp(account.email.replace(/[.]/g, '\\.')));
  await screenshot(app.driver, '04-desktop-needs-reauth');

  // More attempts meet the same problem: the desktop is not told again.
  await emu.resetRequests();
  for (let i = 0; i < 3; i++) {
    await tray.click('Sync now');
    await sleep(2000);
    assert.equal((await trayState()).line, 'Needs re-auth');
  }
  await (await byTestId(app.driver, 'sync-now')).click();
  await sleep(3000);
  measured.reauthRetryRequests = (await emu.counters()).byOperation;
  measured.reauthNotifications = reauthNotices().length;
  assert.equal(reauthNotices().length, 1, JSON.stringify(desk.notifications));

  // Reconnecting ends the problem: the tray is back to up to date with the normal icon.
  await (await byTestId(app.driver, 'reconnect-account')).click();
  await eventually(async () => (await uiState()) === 'up_to_date', 60000, 'sync after reconnect');
  const back = await waitForTray((s) => s.line.startsWith('Up to date'), 'Up to date again');
  assert.equal(back.look, 'idle');
  assert.equal(reauthNotices().length, 1);
});

/** The driver follows the window the app built last (a reopened window is a new webview). */
async function followNewestWindow() {
  let handles = [];
  await eventually(async () => (handles = await app.driver.getAllWindowHandles()).length > 0,
    10000, 'a browsing context for the rebuilt window');
  await app.driver.switchTo().window(handles[handles.length - 1]);
}

const shownWindows = () => windowsTitled('Chronos').filter((w) => mapState(w) === 'IsViewable');

test('closing the window keeps Chronos in the tray without its window; Open Chronos builds it again', async () => {
  const settings = await invoke(app.driver, 'get_settings');
  assert.equal(settings.closeToTray, true, 'close-to-tray is on by default');
  const [win, ...others] = windowsTitled('Chronos');
  assert.ok(win, 'the main window is on the X display');
  assert.equal(others.length, 0);
  assert.equal(mapState(win), 'IsViewable');

  await requestClose(win);
  // Gone, not hidden: a hidden webview would keep its web process and memory all day.
  await eventually(async () => windowsTitled('Chronos').length === 0, 10000, 'the window to go');
  // Still running and still in the tray, and still syncing from it.
  assert.ok(await desk.hasOwner(tray.service), 'the app left the bus');
  assert.deepEqual(desk.items(), [tray.item]);
  await emu.resetRequests();
  await tray.click('Sync now');
  await eventually(async () => ((await emu.counters()).byOperation['events.list'] ?? 0) > 0,
    20000, 'a sync from the tray while the window is closed');

  const asked = Date.now();
  await tray.click('Open Chronos');
  await eventually(async () => shownWindows().length === 1, 10000, 'the window to come back');
  measured.reopenWindowMs = Date.now() - asked;
  await followNewestWindow();
  await byTestId(app.driver, 'sidebar');
  measured.reopenPageMs = Date.now() - asked;
  console.log(`reopened from the tray: window ${measured.reopenWindowMs} ms, page ${measured.reopenPageMs} ms`);
  await screenshot(app.driver, '04-desktop-reopened');
});

test('Quick add… in the tray opens the window on the quick-add field, also after it was closed', async () => {
  const [win] = windowsTitled('Chronos');
  await requestClose(win);
  await eventually(async () => windowsTitled('Chronos').length === 0, 10000, 'the window to go');
  await tray.click('Quick add…');
  await eventually(async () => shownWindows().length === 1, 10000, 'the window to come back');
  await followNewestWindow();
  const field = await byTestId(app.driver, 'quick-add-input');
  await eventually(async () => (await app.driver.switchTo().activeElement().getAttribute('data-testid')) === 'quick-add-input',
    5000, 'the quick-add field to have the focus');
  assert.ok(await field.isDisplayed());
  // With the window up, the tray's request reaches the page as an event.
  await (await byTestId(app.driver, 'dialog-close')).click();
  await tray.click('Quick add…');
  await byTestId(app.driver, 'quick-add-input');
  await (await byTestId(app.driver, 'dialog-close')).click();
});

test('a second plain launch shows a window instead of starting a second Chronos', async () => {
  const [win] = windowsTitled('Chronos');
  await requestClose(win);
  await eventually(async () => windowsTitled('Chronos').length === 0, 10000, 'the window to go');
  // single-instance hands the launch to this instance and the new process exits.
  await promisify(execFile)(process.env.CHRONOS_APP, [], {
    env: { ...process.env, CHRONOS_DATA_DIR: app.dataDir },
    timeout: 30000,
  });
  await eventually(async () => shownWindows().length === 1, 10000, 'a window to come back');
  assert.deepEqual(desk.items(), [tray.item], 'still the one tray item');
  assert.equal(windowsTitled('Chronos').length, 1, 'one window');
  await followNewestWindow();
  await byTestId(app.driver, 'sidebar');
});

// The XDG autostart folder (tauri-plugin-autostart writes ~/.config/autostart; HOME is the run's own).
const AUTOSTART = join(process.env.HOME, '.config', 'autostart');
const loginItems = () => (existsSync(AUTOSTART) ? readdirSync(AUTOSTART).filter((f) => f.endsWith('.desktop')) : []);

test('launch at login: the setting writes the login item and removes it', async () => {
  const settings = await invoke(app.driver, 'get_settings');
  assert.equal(settings.launchAtLogin, false);
  assert.deepEqual(loginItems(), []);
  await invoke(app.driver, 'set_settings', { settings: { ...settings, launchAtLogin: true } });
  const [item] = loginItems();
  assert.ok(item, 'a login item');
  const entry = readFileSync(join(AUTOSTART, item), 'utf8');
  // It starts this very program, marked as a start at login.
  assert.match(entry, new RegExp(`^Exec=${process.env.CHRONOS_APP} --autostart\\s*$`, 'm'), entry);
  measured.loginItem = entry;
  await invoke(app.driver, 'set_settings', { settings: { ...settings, launchAtLogin: false } });
  assert.deepEqual(loginItems(), []);
});

test('Quit in the tray menu ends the app and its tray item', async () => {
  await tray.click('Quit');
  await eventually(async () => !(await desk.hasOwner(tray.service)), 15000, 'the app to exit');
  await eventually(async () => desk.items().length === 0, 5000, 'the item to leave the watcher');
});

test('started by the login item, Chronos comes up in the tray with no window and restores a removed item', async () => {
  // A user whose setting says launch at login, whose login item was removed meanwhile.
  await app.stop();
  app = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'chronos-e2e-login-'));
  mkdirSync(join(dataDir, 'demo'));
  writeFileSync(join(dataDir, 'demo', 'settings.json'), JSON.stringify({
    syncIntervalMinutes: 10, closeToTray: true, launchAtLogin: true, displayTimeZone: null,
    followAccountTimeZone: false, pushAddress: null, logLevel: 'info',
  }));
  rmSync(AUTOSTART, { recursive: true, force: true });
  // Started as the login item starts it, not through WebDriver: there is no page to drive
  // until the user opens the window.
  const started = spawn(process.env.CHRONOS_APP, ['--autostart'], {
    env: { ...process.env, CHRONOS_DATA_DIR: dataDir },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => started.once('exit', r));
  try {
    await eventually(async () => desk.items().length === 1, 20000, 'the tray item');
    tray = desk.tray();
    await eventually(async () => loginItems().length === 1, 10000, 'the login item to be restored');
    assert.deepEqual(windowsTitled('Chronos'), [], 'no window built for a start in the tray');
    await tray.click('Open Chronos');
    await eventually(async () => shownWindows().length === 1, 10000, 'the window from the tray');
    await tray.click('Quit');
    await Promise.race([exited, sleep(15000)]);
    assert.notEqual(started.exitCode, null, 'Quit ends a Chronos started at login');
  } finally {
    started.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
