// The display zone in the real window: times show in the computer's zone by default, and
// in the Google account's own zone (`settings` → `timezone`) once Settings says to follow it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, freePort, invoke, launch, screenshot } from '../lib/app.js';
import { controlCall } from '../lib/emulator.js';

let app;
let control;

before(async () => {
  const port = await freePort();
  // The computer's zone is fixed so the expected wall-clock times are known.
  app = await launch({ env: { CHRONOS_DEMO_EMULATOR_PORT: String(port), TZ: 'UTC' } });
  control = (method, path, body) => controlCall(port, method, path, body);
  await eventually(async () => (await control('GET', '/accounts')).length > 0, 20000, 'the demo emulator');
});
after(async () => {
  await app?.stop();
});

async function eventText(driver, title) {
  for (const el of await driver.findElements(By.css('[data-testid="calendar-event"]'))) {
    const text = await el.getText();
    if (text.includes(title)) return text;
  }
  return null;
}

test("times follow the Google account's own zone when Settings says so", async () => {
  const { driver } = app;
  const [account] = await control('GET', '/accounts');
  // The user's Google Calendar is set to India (UTC+05:30); an event at 10:00 UTC today.
  await control('PUT', `/accounts/${encodeURIComponent(account.email)}/settings/timezone`, { value: 'Asia/Kolkata' });
  const day = new Date(appNow()).toISOString().slice(0, 10);
  await control('POST', `/calendars/${encodeURIComponent(account.primaryCalendar)}/events`, {
    summary: 'Zone probe',
    start: { dateTime: `${day}T10:00:00Z` },
    end: { dateTime: `${day}T11:00:00Z` },
  });
  await (await byTestId(driver, 'connect-account')).click();
  await eventually(
    async () => {
      const s = await invoke(driver, 'sync_status');
      return s.length > 0 && s.every((x) => x.state === 'up_to_date');
    },
    60000,
    'the first sync',
  );
  // The day view lists every event of the day (a busy month cell may fold some into "+N more").
  await (await byTestId(driver, 'view-day')).click();
  const before = await eventually(() => eventText(driver, 'Zone probe'), 20000, "the event in today's view", async () => {
    await screenshot(driver, '20-timezone-missing-event');
    return JSON.stringify((await invoke(driver, 'events_in_range', { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })).events.map((e) => e.title));
  });
  assert.match(before, /10:00/, `shown in the computer's zone (UTC) first: ${before}`);

  await (await byTestId(driver, 'open-settings')).click();
  const mode = await byTestId(driver, 'settings-zone-mode');
  await eventually(
    async () => (await mode.findElement(By.css('option[value="account"]')).getText()).includes('Asia/Kolkata'),
    20000,
    "the account's zone offered in Settings",
  );
  await mode.findElement(By.css('option[value="account"]')).click();
  await screenshot(driver, '20-settings-follow-account-zone');
  await (await byTestId(driver, 'settings-save')).click();
  await eventually(async () => (await driver.findElements(By.css('[data-testid="settings-dialog"]'))).length === 0, 10000, 'the dialog to close');

  const after = await eventually(
    async () => {
      const t = await eventText(driver, 'Zone probe');
      return t && t.includes('15:30') ? t : null;
    },
    20000,
    'the event at 15:30 (Asia/Kolkata)',
    async () => eventText(driver, 'Zone probe'),
  );
  assert.doesNotMatch(after, /10:00/);
  const saved = await invoke(driver, 'get_settings');
  assert.equal(saved.followAccountTimeZone, true);
  assert.deepEqual(await invoke(driver, 'account_time_zone'), { accountId: account.email, timeZone: 'Asia/Kolkata' });
  await screenshot(driver, '21-times-in-account-zone');
});
