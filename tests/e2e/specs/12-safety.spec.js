// Nothing is lost, in the real window: a mass deletion made on "Google" (the emulator's control
// API) is applied, announced by a banner, and Restore all brings every event back on the server;
// a failing calendar shows its error in Sync health, on that calendar's row only; the trash
// restores a single event; a deletion in the window is taken back by the toast's Undo.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, invoke, screenshot } from '../lib/app.js';
import { addFault, clearFaults, controlCall } from '../lib/emulator.js';
import { LONG, appEvent, closeDialogs, connectedApp, openFromToday, syncUntil } from '../lib/calendar.js';

let app;
let emu;
let port;
let calendarId;

before(async () => {
  ({ app, emu, port, calendarId } = await connectedApp());
});
after(async () => {
  if (port) await clearFaults(port).catch(() => {});
  await app?.stop();
});

const COUNT = 60;

async function stored(driver, calendar) {
  const rows = await invoke(driver, 'calendar_health');
  return rows.find((r) => r.calendarId === calendar);
}

function deleteOnServer(calendar, id) {
  return controlCall(port, 'DELETE', `/calendars/${encodeURIComponent(calendar)}/events/${encodeURIComponent(id)}`);
}

async function status(calendar, id) {
  return (await emu.getEvent(calendar, id)).status;
}

test('a mass deletion on Google shows a banner and Restore all brings every event back', async () => {
  const d = app.driver;
  const before = (await stored(d, calendarId)).eventsStored;
  const day = new Date(appNow() + 10 * 864e5);
  const ids = [];
  for (let i = 0; i < COUNT; i++) {
    const start = new Date(day.getTime() + i * 15 * 60e3);
    const ev = await emu.insertEvent(calendarId, {
      summary: `Bulk ${i}`,
      start: { dateTime: start.toISOString() },
      end: { dateTime: new Date(start.getTime() + 10 * 60e3).toISOString() },
    });
    ids.push(ev.id);
  }
  await syncUntil(d, async () => (await stored(d, calendarId)).eventsStored >= before + COUNT, 'the new events to reach the app');
  for (const id of ids) await deleteOnServer(calendarId, id);
  await syncUntil(
    d,
    async () => (await d.findElements(By.css('[data-testid="mass-deletion"]'))).length > 0,
    'the mass-deletion banner',
  );
  const text = await (await byTestId(d, 'mass-deletion-text')).getAttribute('textContent');
  assert.match(text, new RegExp(`^${COUNT} events were deleted from .+ on Google$`));
  assert.equal((await stored(d, calendarId)).eventsStored, before, "Google's deletions are applied");
  await screenshot(d, 'mass-deletion-banner').catch(() => {});

  await (await byTestId(d, 'mass-deletion-restore')).click();
  await eventually(
    async () => (await d.findElements(By.css('[data-testid="mass-deletion"]'))).length === 0,
    30000,
    'the banner to go once every restore is queued',
  );
  await syncUntil(
    d,
    async () => {
      for (const id of ids) if ((await status(calendarId, id)) !== 'confirmed') return false;
      return true;
    },
    'every event to be confirmed on the server again',
    LONG * 2,
  );
  // Restored once each: the calendar holds them again, not twice.
  await syncUntil(d, async () => (await stored(d, calendarId)).eventsStored === before + COUNT, 'the restored events in the app');
});

test('the trash lists a deleted event and restores it', async () => {
  const d = app.driver;
  const start = new Date(appNow() + 12 * 864e5);
  const ev = await emu.insertEvent(calendarId, {
    summary: 'Single to restore',
    start: { dateTime: start.toISOString() },
    end: { dateTime: new Date(start.getTime() + 30 * 60e3).toISOString() },
  });
  const before = (await stored(d, calendarId)).eventsStored;
  await syncUntil(d, async () => (await stored(d, calendarId)).eventsStored === before + 1, 'the event to reach the app');
  await deleteOnServer(calendarId, ev.id);
  await syncUntil(d, async () => (await stored(d, calendarId)).eventsStored === before, 'the deletion to reach the app');
  await closeDialogs(d);
  await (await byTestId(d, 'open-trash')).click();
  const entry = await eventually(
    async () => {
      for (const e of await d.findElements(By.css('[data-testid="trash-entry"]'))) {
        const title = await (await e.findElement(By.css('[data-testid="trash-title"]'))).getAttribute('textContent');
        if (title === 'Single to restore') return e;
      }
      return null;
    },
    20000,
    'the event in the trash',
  );
  await (await entry.findElement(By.css('[data-testid="trash-restore"]'))).click();
  await (await byTestId(d, 'dialog-close')).click();
  await syncUntil(d, async () => (await status(calendarId, ev.id)) === 'confirmed', 'the event back on the server');
});

test('an injected error appears in sync health on the failing calendar only', async () => {
  const d = app.driver;
  const calendars = await invoke(d, 'list_calendars');
  const other = calendars.find((c) => c.selected && c.id !== calendarId);
  assert.ok(other, 'the demo world has a second calendar');
  // The calendar's id as a path holds its "@" encoded or not.
  const name = other.id.split('@')[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fault = await addFault(port, {
    method: 'GET',
    pathRegex: `/calendars/${name}(%40|@)[^/]*/events`,
    action: { kind: 'status', status: 400 },
    times: 1000,
  });
  assert.ok(fault !== undefined);
  await syncUntil(d, async () => (await stored(d, other.id))?.lastError?.current === true, 'the failure to be recorded');
  await closeDialogs(d);
  await (await byTestId(d, 'open-health')).click();
  const failing = await eventually(
    async () => {
      const rows = await d.findElements(By.css('[data-testid="health-row"]'));
      const out = [];
      for (const r of rows) {
        if ((await r.findElements(By.css('[data-testid="health-error"]'))).length > 0) out.push(await r.getAttribute('data-calendar-id'));
      }
      return rows.length > 1 && out.length > 0 ? out : null;
    },
    20000,
    'the health rows',
  );
  assert.deepEqual(failing, [other.id]);
  await screenshot(d, 'sync-health').catch(() => {});
  await clearFaults(port);
  await (await byTestId(d, 'dialog-close')).click();
});

test('delete in the window, then Undo in the toast: the event is back on the server', async () => {
  const d = app.driver;
  const now = new Date(appNow());
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 7, 0);
  const ev = await emu.insertEvent(calendarId, {
    summary: 'Undo probe',
    start: { dateTime: start.toISOString() },
    end: { dateTime: new Date(start.getTime() + 30 * 60e3).toISOString() },
  });
  await syncUntil(d, () => appEvent(d, ev.id), 'the event to reach the app');
  await openFromToday(d, ev.id);
  await (await byTestId(d, 'event-delete')).click();
  await (await byTestId(d, 'event-delete-confirm')).click();
  const undo = await eventually(
    async () => {
      for (const b of await d.findElements(By.css('[data-testid="toast-action"]'))) {
        if ((await b.getAttribute('textContent')) === 'Undo') return b;
      }
      return null;
    },
    20000,
    'the Undo button in the toast',
  );
  // The toast stays a few seconds: long enough for the deletion to reach the server, or not.
  await undo.click();
  await syncUntil(d, async () => (await status(calendarId, ev.id)) === 'confirmed', 'the event back on the server');
  assert.ok(await appEvent(d, ev.id), 'and in the window');
});
