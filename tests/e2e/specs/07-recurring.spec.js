// A recurring series edited in the real window, each scope round-tripped through the emulator:
// "This event" patches the occurrence under its own instance id (the series is untouched),
// "All events" patches the series, "This and following" (a deletion here) ends the series
// before the chosen occurrence and leaves the earlier ones.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, invoke, screenshot } from '../lib/app.js';
import { LONG, appEvent, closeDialogs, connectedApp, fillForm, openFromToday, syncUntil } from '../lib/calendar.js';

const DAY = 864e5;
let app;
let emu;
let calendarId;
let master;
/** Today's occurrence at 12:00 UTC (inside today in every zone from UTC-11 to UTC+11). */
const todayNoon = new Date(`${new Date(appNow()).toISOString().slice(0, 10)}T12:00:00Z`);
/** Google's instance id: the master's id and the occurrence's original start in UTC. */
const instanceId = (at) => `${master.id}_${at.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;

before(async () => {
  ({ app, emu, calendarId } = await connectedApp());
  const start = new Date(todayNoon.getTime() - 14 * DAY);
  master = await emu.insertEvent(calendarId, {
    summary: 'Weekly probe',
    start: { dateTime: start.toISOString(), timeZone: 'UTC' },
    end: { dateTime: new Date(start.getTime() + 30 * 60000).toISOString(), timeZone: 'UTC' },
    recurrence: ['RRULE:FREQ=WEEKLY'],
  });
  await syncUntil(app.driver, () => appEvent(app.driver, instanceId(todayNoon)), 'the series in the app');
});
after(async () => {
  await app?.stop();
});

/** The series' occurrences the app shows from a week ago to two weeks ahead, by id. */
async function occurrences() {
  const { events } = await invoke(app.driver, 'events_in_range', {
    from: new Date(todayNoon.getTime() - 8 * DAY).toISOString(),
    to: new Date(todayNoon.getTime() + 15 * DAY).toISOString(),
  });
  return Object.fromEntries(
    events.filter((e) => e.recurringEventId === master.id).map((e) => [e.id, e]),
  );
}

/** The bulk-delete question's text the last `chooseScope` met ('' when none). */
let lastBulk = '';

/**
 * Answers the scope question that a save or delete of an occurrence asks. A delete of more than
 * 20 occurrences (or of a series without end) asks once more with their number; a scope that
 * would drop changed occurrences says how many and needs another confirm. The discard warning's
 * text is returned ('' when there was none); the bulk question's is kept in `lastBulk`.
 */
async function chooseScope(testId) {
  const { driver } = app;
  await byTestId(driver, 'scope-chooser');
  await (await byTestId(driver, testId)).click();
  await (await byTestId(driver, 'scope-confirm')).click();
  const gone = async () =>
    (await driver.findElements(By.css('[data-testid="scope-chooser"], [data-testid="event-form"]'))).length === 0;
  const shown = async (id) => {
    const [el] = await driver.findElements(By.css(`[data-testid="${id}"]`));
    return el ? el.getText() : null;
  };
  lastBulk = '';
  let warning = '';
  for (let step = 0; step < 3; step++) {
    const next = await eventually(
      async () => {
        if (await gone()) return { done: true };
        if (!lastBulk && (await shown('scope-bulk-warning')) !== null) return { bulk: true };
        if (!warning && (await shown('scope-warning')) !== null) return { warning: true };
        return null;
      },
      30000,
      'the dialog to finish or warn',
      async () => `scope error: ${await shown('scope-error')}`,
    );
    if (next.done) break;
    if (next.bulk) lastBulk = await shown('scope-bulk-warning');
    if (next.warning) {
      warning = await shown('scope-warning');
      await screenshot(driver, '42-recurring-discard-warning');
    }
    await (await byTestId(driver, 'scope-confirm')).click();
  }
  await eventually(gone, 30000, 'the dialog to finish after the warnings');
  await closeDialogs(driver);
  return warning;
}

test('This event: the occurrence is patched under its own id, the series stays', async () => {
  const { driver } = app;
  const id = instanceId(todayNoon);
  await openFromToday(driver, id);
  await byTestId(driver, 'event-recurring');
  await (await byTestId(driver, 'event-edit')).click();
  await fillForm(driver, { 'event-title': 'Weekly probe — guest talk' });
  await (await byTestId(driver, 'event-save')).click();
  await screenshot(driver, '40-recurring-scope-chooser');
  assert.equal(await chooseScope('scope-this'), '', 'This event drops nothing');

  await eventually(async () => (await emu.getEvent(calendarId, id)).summary === 'Weekly probe — guest talk',
    LONG, 'the occurrence patched on the server', async () => JSON.stringify(await emu.getEvent(calendarId, id)));
  const onServer = await emu.getEvent(calendarId, id);
  assert.equal(onServer.recurringEventId, master.id);
  assert.equal(onServer.originalStartTime.dateTime.slice(0, 16), todayNoon.toISOString().slice(0, 16));
  assert.equal((await emu.getEvent(calendarId, master.id)).summary, 'Weekly probe', 'the series is untouched');
  const shown = await occurrences();
  assert.equal(shown[id].title, 'Weekly probe — guest talk');
  assert.equal(shown[instanceId(new Date(todayNoon.getTime() + 7 * DAY))].title, 'Weekly probe');
});

test('All events: the series is patched and every occurrence shows it', async () => {
  const { driver } = app;
  const id = instanceId(todayNoon);
  await openFromToday(driver, id);
  await (await byTestId(driver, 'event-edit')).click();
  await fillForm(driver, { 'event-location-input': 'Room 9' });
  await (await byTestId(driver, 'event-save')).click();
  await chooseScope('scope-all');

  await eventually(async () => (await emu.getEvent(calendarId, master.id)).location === 'Room 9',
    LONG, 'the series patched on the server', async () => JSON.stringify(await emu.getEvent(calendarId, master.id)));
  const next = instanceId(new Date(todayNoon.getTime() + 7 * DAY));
  await syncUntil(driver, async () => (await occurrences())[next]?.location === 'Room 9', 'next week in Room 9');
  const earlier = instanceId(new Date(todayNoon.getTime() - 7 * DAY));
  assert.equal((await occurrences())[earlier].location, 'Room 9');
});

test('This and following, deleted: the series ends before this occurrence, earlier ones stay', async () => {
  const { driver } = app;
  const id = instanceId(todayNoon);
  await openFromToday(driver, id);
  await (await byTestId(driver, 'event-delete')).click();
  // Today's occurrence carries its own title (the first test): ending the series here drops it,
  // and the window says so before it goes ahead.
  assert.equal(await chooseScope('scope-following'), '1 changed occurrence will be discarded');
  // A weekly series without end: deleting from here on is a bulk delete, asked with its size.
  assert.match(lastBulk, /^This deletes this and every later occurrence of a series that never ends/);

  await eventually(
    async () => (await emu.getEvent(calendarId, master.id)).recurrence.some((r) => /UNTIL=/.test(r)),
    LONG,
    'the series ended on the server',
    async () => JSON.stringify(await emu.getEvent(calendarId, master.id)),
  );
  const rule = (await emu.getEvent(calendarId, master.id)).recurrence.find((r) => r.startsWith('RRULE:'));
  const until = /UNTIL=(\d{8}T\d{6}Z)/.exec(rule)[1];
  const untilAt = new Date(`${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 11)}:${until.slice(11, 13)}:${until.slice(13, 15)}Z`);
  assert.ok(untilAt < todayNoon && untilAt >= new Date(todayNoon.getTime() - 7 * DAY), rule);
  await syncUntil(driver, async () => !(await occurrences())[id], 'today gone from the app');
  const shown = await occurrences();
  assert.ok(shown[instanceId(new Date(todayNoon.getTime() - 7 * DAY))], 'last week stays');
  assert.equal(Object.keys(shown).filter((k) => k > id).length, 0, `nothing from today on: ${Object.keys(shown)}`);
  await screenshot(driver, '41-recurring-ended');
});
