// Helpers for specs that work in the calendar window: finding an event as the app has it,
// closing dialogs, syncing until something holds, and opening an event from the day view.

import assert from 'node:assert/strict';
import { appNow, By, byTestId, eventually, freePort, invoke, launch, screenshot } from './app.js';
import { emulator } from './emulator.js';

/** Generous: CI is a slow 2-core machine, and Google-side retries back off. */
export const LONG = 90000;

/** The event (or expanded occurrence) `id` as the app shows it within three days of now. */
export async function appEvent(driver, id) {
  const now = appNow();
  const { events } = await invoke(driver, 'events_in_range', {
    from: new Date(now - 3 * 864e5).toISOString(),
    to: new Date(now + 3 * 864e5).toISOString(),
  });
  return events.find((e) => e.id === id) ?? null;
}

export async function statuses(driver) {
  return invoke(driver, 'sync_status');
}

export async function idle(driver) {
  return (await statuses(driver)).every((s) => s.state !== 'syncing');
}

export async function closeDialogs(driver) {
  await eventually(
    async () => {
      const open = await driver.findElements(By.css('[data-testid="event-dialog"], [data-testid="pending-panel"]'));
      if (open.length === 0) return true;
      for (const close of await driver.findElements(By.css('[data-testid="dialog-close"]'))) {
        if (await close.isDisplayed().catch(() => false)) await close.click().catch(() => {});
      }
      return false;
    },
    15000,
    'the dialogs to close',
  );
}

/** Clicks Sync now (when no run is going, and no more often than every 5 s) until `cond` holds. */
export async function syncUntil(driver, cond, what, ms = LONG) {
  let last = 0;
  return eventually(
    async () => {
      const v = await cond();
      if (v) return v;
      if (Date.now() - last > 5000 && (await idle(driver))) {
        last = Date.now();
        // An open dialog's backdrop would take the click.
        await closeDialogs(driver);
        await (await byTestId(driver, 'sync-now')).click();
      }
      return null;
    },
    ms,
    what,
    async () => {
      await screenshot(driver, `failed-${what.replace(/\W+/g, '-')}`).catch(() => {});
      return `status ${JSON.stringify(await statuses(driver))}; pending ${JSON.stringify(await invoke(driver, 'list_pending_changes'))}`;
    },
  );
}

/** The calendar day (YYYY-MM-DD) of instant `iso` in the window's zone. */
export async function dayInWindowZone(driver, iso) {
  const zone = await driver.executeScript('return Intl.DateTimeFormat().resolvedOptions().timeZone');
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/**
 * Shows `day` (YYYY-MM-DD) in the day view, where every timed event of the day has a block of
 * its own (the month view folds a full day into "+n more").
 */
export async function showDay(driver, day) {
  await (await byTestId(driver, 'view-day')).click();
  const input = await byTestId(driver, 'goto-date');
  await driver.executeScript(
    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
    input,
    day,
  );
  await eventually(async () => (await input.getAttribute('value')) === day, 10000, `the day view on ${day}`);
}

/** Opens event `id` (shown today) in its dialog from the day view. */
export async function openFromToday(driver, id) {
  await closeDialogs(driver);
  await (await byTestId(driver, 'nav-today')).click();
  // Found and clicked in one step: a refetch may re-render the view in between (retried).
  // Demo events may overlap this one; a DOM click reaches it regardless.
  await eventually(
    async () => {
      const [el] = await driver.findElements(By.css(`[data-testid="calendar-event"][data-event-id="${id}"]`));
      if (!el) return false;
      await driver.executeScript('arguments[0].click();', el);
      return true;
    },
    30000,
    `event ${id} in the day view`,
  );
  const details = await byTestId(driver, 'event-details');
  assert.equal(await details.getAttribute('data-event-id'), id);
}

/** Types `values` (input test id → text) into the open edit form. */
export async function fillForm(driver, values) {
  for (const [testId, text] of Object.entries(values)) {
    const input = await byTestId(driver, testId);
    await input.clear();
    await input.sendKeys(text);
  }
}

/**
 * Launches Chronos with its demo emulator on a known port, connects the demo account, waits for
 * the first sync and shows today in the day view (it shows every timed event of the day; the
 * month view may fold some away). Gives { app, emu, port, calendarId } (the primary calendar).
 */
export async function connectedApp() {
  const port = await freePort();
  const app = await launch({ env: { CHRONOS_DEMO_EMULATOR_PORT: String(port) } });
  const emu = emulator(port);
  await eventually(async () => (await emu.accounts()).length > 0, 30000, 'the demo emulator');
  await (await byTestId(app.driver, 'connect-account', 30000)).click();
  await eventually(
    async () => {
      const s = await invoke(app.driver, 'sync_status');
      return s.length > 0 && s.every((x) => x.state === 'up_to_date');
    },
    LONG,
    'the first sync',
  );
  const calendars = await invoke(app.driver, 'list_calendars');
  const calendarId = (calendars.find((c) => c.primary) ?? calendars[0]).id;
  await (await byTestId(app.driver, 'view-day')).click();
  await (await byTestId(app.driver, 'nav-today')).click();
  return { app, emu, port, calendarId };
}
