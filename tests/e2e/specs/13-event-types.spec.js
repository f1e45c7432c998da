// Google's event types in the real window, on the demo world: the working location as a label
// on its day (not an event), a focus-time block, a birthday, a Gmail event whose editor locks
// what Google does not let change, and a Meet link asked for in the window, made through the
// emulator's control API and joined.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, freePort, invoke, launch, screenshot } from '../lib/app.js';
import { LONG, closeDialogs, dayInWindowZone, showDay, syncUntil } from '../lib/calendar.js';
import { controlCall, emulator } from '../lib/emulator.js';

let app;
let port;

before(async () => {
  port = await freePort();
  // Join opens the system browser: here a command that does nothing.
  app = await launch({ env: { CHRONOS_DEMO_EMULATOR_PORT: String(port), BROWSER: '/bin/true' } });
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
});
after(async () => {
  await app?.stop();
});

/** The app's events of kind `type` from today on (within 40 days), earliest first. */
async function upcoming(type) {
  const now = appNow();
  const { events } = await invoke(app.driver, 'events_in_range', {
    from: new Date(now - 864e5).toISOString(),
    to: new Date(now + 40 * 864e5).toISOString(),
  });
  return events.filter((e) => e.eventType === type).sort((a, b) => a.start.localeCompare(b.start));
}

/** The first event of kind `type`, shown on its day in the day view. */
async function showFirst(type) {
  const [ev] = await upcoming(type);
  assert.ok(ev, `the demo world has a ${type} event in the coming weeks`);
  const day = ev.allDay ? ev.start : await dayInWindowZone(app.driver, ev.start);
  await closeDialogs(app.driver);
  await showDay(app.driver, day);
  return ev;
}

async function eventElement(ev) {
  return eventually(
    async () => (await app.driver.findElements(By.css(`[data-testid="calendar-event"][data-event-id="${ev.id}"]`)))[0],
    20000,
    `event ${ev.id} (${ev.eventType}) in the view`,
  );
}

async function open(ev) {
  await eventually(
    async () => {
      const [el] = await app.driver.findElements(By.css(`[data-testid="calendar-event"][data-event-id="${ev.id}"]`));
      if (!el) return false;
      await app.driver.executeScript('arguments[0].click();', el);
      return true;
    },
    20000,
    `event ${ev.id} to open`,
  );
  const details = await byTestId(app.driver, 'event-details');
  assert.equal(await details.getAttribute('data-event-id'), ev.id);
}

test('the working location is a label at the top of its day, not an event in the grid', async () => {
  const ev = await showFirst('workingLocation');
  // The label comes once the day's events are loaded (the header is drawn again with it).
  const want = ev.workPlace.kind === 'home' ? /Home/ : /Office/;
  await eventually(
    async () => {
      for (const l of await app.driver.findElements(By.css('[data-testid="working-location"]'))) {
        // Its text as the page has it (the driver's visible-text rules trip on the label
        // inside FullCalendar's header link).
        const text = await app.driver.executeScript('return arguments[0].textContent', l).catch(() => '');
        if ((await l.isDisplayed().catch(() => false)) && want.test(text)) return true;
      }
      return false;
    },
    20000,
    'the working-location label',
    () => app.driver.executeScript("return document.querySelector('.fc-col-header')?.outerHTML ?? 'no header'"),
  );
  const blocks = await app.driver.findElements(By.css('[data-testid="calendar-event"][data-event-type="workingLocation"]'));
  assert.equal(blocks.length, 0);
  await screenshot(app.driver, '13-working-location');
});

test('focus time is a block of its own with its auto-decline message', async () => {
  const ev = await showFirst('focusTime');
  const el = await eventElement(ev);
  assert.match(await el.getAttribute('class'), /\bis-focus\b/);
  await open(ev);
  assert.match(await (await byTestId(app.driver, 'event-kind')).getText(), /Focus time/);
  assert.match(await (await byTestId(app.driver, 'event-auto-decline')).getText(), /focus time/i);
  await screenshot(app.driver, '13-focus-time');
  await closeDialogs(app.driver);
});

test("a birthday is an all-day entry with a cake and the contact's name", async () => {
  const ev = await showFirst('birthday');
  assert.equal(ev.allDay, true);
  const el = await eventElement(ev);
  assert.match(await el.getAttribute('class'), /\bis-birthday\b/);
  const text = await el.getText();
  assert.match(text, /🎂/);
  assert.match(text, /'s birthday/);
});

test("the Gmail event's editor locks what Google does not let change and says why", async () => {
  const ev = await showFirst('fromGmail');
  await open(ev);
  assert.match(await (await byTestId(app.driver, 'event-kind')).getText(), /From Gmail/);
  await (await byTestId(app.driver, 'event-edit')).click();
  assert.match(await (await byTestId(app.driver, 'event-locked-reason')).getText(), /Gmail/);
  assert.equal(await (await byTestId(app.driver, 'event-title')).isEnabled(), false);
  assert.equal(await (await byTestId(app.driver, 'event-start-date')).isEnabled(), false);
  assert.equal(await (await byTestId(app.driver, 'event-calendar')).isEnabled(), false);
  await screenshot(app.driver, '13-gmail-locked');
  // What is open is saved, and reaches Google: the form's locked fields go back unchanged.
  // The colour radios are visually hidden behind their chips.
  await app.driver.executeScript('arguments[0].click();', await app.driver.findElement(By.css('[data-testid="event-color-5"]')));
  await (await byTestId(app.driver, 'event-save')).click();
  await eventually(
    async () => (await app.driver.findElements(By.css('[data-testid="event-dialog"]'))).length === 0,
    20000,
    'the editor to close after saving',
    async () => (await app.driver.findElements(By.css('[data-testid="event-form-error"]'))).length ? 'form error shown' : '',
  );
  await eventually(
    async () => {
      const server = await controlCall(port, 'GET', `/calendars/${encodeURIComponent(ev.calendarId)}/events/${encodeURIComponent(ev.id)}`);
      return server.colorId === '5' && server.eventType === 'fromGmail';
    },
    LONG,
    'the colour of the Gmail event on the emulator',
    async () => JSON.stringify(await invoke(app.driver, 'list_pending_changes')),
  );
});

test('Add Google Meet: pending until Google makes the link, then Join', async () => {
  const { driver } = app;
  const now = appNow();
  const { events } = await invoke(driver, 'events_in_range', {
    from: new Date(now - 864e5).toISOString(),
    to: new Date(now + 864e5).toISOString(),
  });
  const ev = events.find((e) => e.canAddMeet && !e.allDay && !e.recurringEventId);
  assert.ok(ev, 'an ordinary event around today that can have Meet');
  await showDay(driver, await dayInWindowZone(driver, ev.start));
  await open(ev);
  await (await byTestId(driver, 'event-add-meet')).click();
  await byTestId(driver, 'event-meet-pending', 20000);
  // The request reached Google: the conference is pending there.
  await eventually(
    async () => {
      const server = await controlCall(port, 'GET', `/calendars/${encodeURIComponent(ev.calendarId)}/events/${encodeURIComponent(ev.id)}`);
      return server.conferenceData?.createRequest?.status?.statusCode === 'pending';
    },
    LONG,
    'the Meet request on the emulator',
  );
  await screenshot(driver, '13-meet-pending');
  await closeDialogs(driver);
  await controlCall(
    port,
    'POST',
    `/calendars/${encodeURIComponent(ev.calendarId)}/events/${encodeURIComponent(ev.id)}/conference`,
    { outcome: 'success' },
  );
  const withLink = await syncUntil(
    driver,
    async () => {
      const { events: now2 } = await invoke(driver, 'events_in_range', {
        from: new Date(now - 2 * 864e5).toISOString(),
        to: new Date(now + 2 * 864e5).toISOString(),
      });
      const e = now2.find((x) => x.id === ev.id);
      return e?.conference?.joinUrl ? e : null;
    },
    'the Meet link in the app',
  );
  assert.match(withLink.conference.joinUrl, /^https:\/\/meet\.google\.com\//);
  await showDay(driver, await dayInWindowZone(driver, ev.start));
  await open(ev);
  const join = await byTestId(driver, 'event-join');
  assert.match(await join.getText(), /Join Google Meet/);
  assert.equal(await join.getAttribute('title'), withLink.conference.joinUrl);
  await screenshot(driver, '13-meet-join');
  await join.click();
  // Opening the link did not fail (a failure shows as a toast).
  const toasts = await driver.findElements(By.css('[data-testid="toast"]'));
  for (const t of toasts) assert.doesNotMatch(await t.getText(), /Could not open the link/);
  await closeDialogs(driver);
});
