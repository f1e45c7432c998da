// Two-way: an event created and then edited in the window reaches the Google stand-in.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, freePort, invoke, launch, screenshot } from '../lib/app.js';
import { dayInWindowZone, openFromToday, showDay } from '../lib/calendar.js';
import { emulator } from '../lib/emulator.js';

let app;
let emu;

before(async () => {
  const port = await freePort();
  app = await launch({ env: { CHRONOS_DEMO_EMULATOR_PORT: String(port) } });
  emu = emulator(port);
  await eventually(async () => (await emu.accounts()).length > 0, 20000, 'the demo emulator');
  await (await byTestId(app.driver, 'connect-account')).click();
  await eventually(
    async () => {
      const s = await invoke(app.driver, 'sync_status');
      return s.length > 0 && s.every((x) => x.state === 'up_to_date');
    },
    60000,
    'the first sync',
  );
});
after(async () => {
  await app?.stop();
});

async function findEvent(driver, title) {
  for (const el of await driver.findElements(By.css('[data-testid="calendar-event"]'))) {
    if ((await el.getText()).includes(title)) return el;
  }
  return null;
}

async function typeInto(el, text) {
  await el.clear();
  await el.sendKeys(text);
}

/** The app's event titled `title` within 40 days of now. */
async function appEventTitled(driver, title) {
  const now = appNow();
  const { events } = await invoke(driver, 'events_in_range', {
    from: new Date(now - 40 * 864e5).toISOString(),
    to: new Date(now + 40 * 864e5).toISOString(),
  });
  return events.find((e) => e.title === title) ?? null;
}

test('create an event in the window and see it reach the emulator', async () => {
  const { driver } = app;
  await (await byTestId(driver, 'new-event')).click();
  await typeInto(await byTestId(driver, 'event-title'), 'E2E planning');
  await screenshot(driver, '08-new-event-form');
  await (await byTestId(driver, 'event-save')).click();

  const [account] = await emu.accounts();
  const created = await eventually(() => appEventTitled(driver, 'E2E planning'), 10000, 'the event in events_in_range');
  // Seen where it must be visible whatever else that day holds: its own day in the day view.
  await showDay(driver, await dayInWindowZone(driver, created.start));
  await eventually(() => findEvent(driver, 'E2E planning'), 20000, 'the new event in the view');
  await eventually(
    async () => (await emu.eventIds(created.calendarId)).includes(created.id),
    60000,
    `event ${created.id} in the emulator's ${created.calendarId}`,
    async () => JSON.stringify(await invoke(driver, 'list_pending_changes')),
  );
  assert.ok(account.calendars.includes(created.calendarId));
  const onServer = await emu.getEvent(created.calendarId, created.id);
  assert.equal(onServer.summary, 'E2E planning');
  await screenshot(driver, '09-event-created');
});

test('edit the event in the window and see the change reach the emulator', async () => {
  const { driver } = app;
  await eventually(() => findEvent(driver, 'E2E planning'), 20000, 'the event');
  // Opened by id in one step: the push that follows the creation re-renders the view, and a
  // click on the element found before it would land on nothing.
  const created = await eventually(() => appEventTitled(driver, 'E2E planning'), 20000, 'the event in the app');
  await openFromToday(driver, created.id);
  await (await byTestId(driver, 'event-edit')).click();
  await typeInto(await byTestId(driver, 'event-title'), 'E2E planning (edited)');
  await (await byTestId(driver, 'event-save')).click();
  await eventually(() => findEvent(driver, 'E2E planning (edited)'), 20000, 'the edited title in the view');
  const edited = await appEventTitled(driver, 'E2E planning (edited)');
  assert.ok(edited);
  await eventually(
    async () => (await emu.getEvent(edited.calendarId, edited.id)).summary === 'E2E planning (edited)',
    60000,
    'the edit on the emulator',
  );
  await screenshot(driver, '10-event-edited');
});
