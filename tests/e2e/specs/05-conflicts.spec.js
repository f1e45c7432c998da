// Conflicts and offline edits in the real window (on top of the merge rules in
// chronos-core/src/outbox/merge.rs): the same field edited here and by another client → the
// push meets 412 → the server's value wins for now and the conflict waits in the pending panel
// with both values, resolved with "Keep mine" / "Keep theirs"; edits of different fields merge
// without asking; an edit made while Google is unreachable waits as pending and goes out after
// the fault clears.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { appNow, By, byTestId, eventually, invoke, screenshot } from '../lib/app.js';
import { addFault, clearFaults, patchEventAsOther, removeFault, requestLog } from '../lib/emulator.js';
import { LONG, appEvent, closeDialogs, connectedApp, fillForm, idle, openFromToday, statuses, syncUntil } from '../lib/calendar.js';

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

// ------------------------------------------------------------------ helpers

/** Today on the app's clock at hh:mm (local time of the test machine, which the app shares) as RFC 3339. */
function today(h, m = 0) {
  const n = new Date(appNow());
  return new Date(n.getFullYear(), n.getMonth(), n.getDate(), h, m).toISOString();
}

/** An event written on the server by another client, then pulled into the app. */
async function serverEvent(title, hour) {
  const inserted = await emu.insertEvent(calendarId, {
    summary: title,
    start: { dateTime: today(hour) },
    end: { dateTime: today(hour, 45) },
  });
  assert.ok(inserted.id);
  await syncUntil(app.driver, () => appEvent(app.driver, inserted.id), `"${title}" to reach the app`);
  return inserted.id;
}

/** Opens the event's dialog from the day view and saves new values for the given inputs. */
async function editInWindow(driver, id, values) {
  await openFromToday(driver, id);
  await (await byTestId(driver, 'event-edit')).click();
  await fillForm(driver, values);
  await (await byTestId(driver, 'event-save')).click();
  // The form closes once the edit is stored locally (it is pushed in the background).
  await eventually(
    async () => (await driver.findElements(By.css('[data-testid="event-form"]'))).length === 0,
    30000,
    'the edit form to close after Save',
  );
  await closeDialogs(driver);
}

/** The text of the event's element in the view ('' when it is not shown). */
async function eventText(driver, id) {
  const [el] = await driver.findElements(By.css(`[data-testid="calendar-event"][data-event-id="${id}"]`));
  return el ? el.getText() : '';
}

/** Waits until the server's copy of event `id` has every field of `want`. */
async function onServer(id, want, what) {
  await eventually(
    async () => {
      const ev = await emu.getEvent(calendarId, id);
      return Object.entries(want).every(([k, v]) => ev[k] === v);
    },
    LONG,
    what,
    async () => JSON.stringify(await emu.getEvent(calendarId, id)),
  );
}

/** The sync state the header shows. */
async function syncStatusShown(driver) {
  const [el] = await driver.findElements(By.css('[data-testid="sync-status"]'));
  return el ? el.getAttribute('data-state') : null;
}

async function pendingButtonText(driver) {
  return (await byTestId(driver, 'pending-button')).getText();
}

async function openPanel(driver) {
  await closeDialogs(driver);
  await (await byTestId(driver, 'pending-button')).click();
  return byTestId(driver, 'pending-panel');
}

async function conflictItem(driver, eventId) {
  const found = await driver.findElements(By.css(`[data-testid="conflict"][data-event-id="${eventId}"]`));
  return found[0] ?? null;
}

/** PATCHes of this event that reached the emulator, with their statuses. */
async function patchStatuses(eventId) {
  return (await requestLog(port))
    .filter((r) => r.method === 'PATCH' && r.path.endsWith(`/events/${eventId}`))
    .map((r) => r.status);
}

/**
 * The same fields changed on the server (`theirs`: a patch) and, before the app has pulled that
 * change, in the window (`mine`: input test id → text). A pull slipping in between (the scheduler's interval, a focus event) would turn the
 * conflict into an ordinary edit, so list requests are held back for a while meanwhile; the
 * push and its 412 fetch are not affected.
 */
async function clash(id, theirs, mine) {
  const { driver } = app;
  await eventually(() => idle(driver), LONG, 'no sync running');
  const hold = await addFault(port, { method: 'GET', pathRegex: '/events(\\?|$)', action: { kind: 'delay' }, latencyMs: 20000 });
  try {
    await patchEventAsOther(port, calendarId, id, theirs);
    await editInWindow(driver, id, mine);
    // Rule 3: both sides changed the field → the server's value wins for now, a conflict record
    // keeps mine, and the header says so.
    await eventually(
      async () => /1 conflict\b/.test(await pendingButtonText(driver)),
      LONG,
      'the header to show 1 conflict',
      async () => `header "${await pendingButtonText(driver)}"; conflicts ${JSON.stringify(await invoke(driver, 'list_conflicts'))}`,
    );
  } finally {
    await removeFault(port, hold);
  }
  const statuses412 = await patchStatuses(id);
  assert.ok(statuses412.includes(412), `the app's push met 412 (PATCH statuses ${statuses412})`);
}

/** Checks the panel's row for the conflict and returns its `conflict` element. */
async function shownConflict(driver, id, mine, theirs) {
  await openPanel(driver);
  const item = await eventually(() => conflictItem(driver, id), 20000, `the conflict for ${id} in the panel`);
  const row = await item.findElement(By.css('[data-testid="conflict-field"][data-field="summary"]'));
  assert.equal(await row.findElement(By.css('th')).getText(), 'Title');
  assert.equal(await row.findElement(By.css('[data-testid="conflict-local"]')).getText(), mine);
  assert.equal(await row.findElement(By.css('[data-testid="conflict-server"]')).getText(), theirs);
  const fields = await item.findElements(By.css('[data-testid="conflict-field"]'));
  assert.equal(fields.length, 1, 'only the title changed on both sides');
  return item;
}

async function conflictGone(driver, id) {
  await eventually(async () => (await conflictItem(driver, id)) === null, 30000, `the conflict for ${id} to leave the panel`);
  const open = (await invoke(driver, 'list_conflicts')).filter((c) => c.eventId === id);
  assert.deepEqual(open, [], 'no conflict record is left');
}

async function nothingPending(driver) {
  await eventually(
    async () => {
      const s = await statuses(driver);
      const changes = await invoke(driver, 'list_pending_changes');
      const text = await pendingButtonText(driver);
      return changes.length === 0 && s.every((x) => x.pendingChanges === 0) && text === 'No pending changes';
    },
    LONG,
    'no pending changes',
    async () => `header "${await pendingButtonText(driver)}"; ${JSON.stringify(await invoke(driver, 'list_pending_changes'))}`,
  );
}

// ------------------------------------------------------------------ tests

test('a title changed here and on the server: 412 → conflict shown → Keep mine wins on the server', async () => {
  const { driver } = app;
  const id = await serverEvent('Conflict probe A', 5);
  await clash(id, { summary: 'A — their title' }, { 'event-title': 'A — my title' });

  // For now the server's value stands, on the server and in the app.
  assert.equal((await emu.getEvent(calendarId, id)).summary, 'A — their title');
  await eventually(async () => (await appEvent(driver, id))?.title === 'A — their title', 30000, 'the server title in the app');

  const item = await shownConflict(driver, id, 'A — my title', 'A — their title');
  await screenshot(driver, '20-conflict-shown');
  await (await item.findElement(By.css('[data-testid="conflict-keep-mine"]'))).click();
  await conflictGone(driver, id);
  await eventually(
    async () => (await emu.getEvent(calendarId, id)).summary === 'A — my title',
    LONG,
    'my title on the server after Keep mine',
  );
  await eventually(async () => (await appEvent(driver, id))?.title === 'A — my title', 30000, 'my title in the app');
  await closeDialogs(driver);
  await nothingPending(driver);
  await eventually(async () => /A — my title/.test(await eventText(driver, id)), 20000, 'my title in the day view');
  await screenshot(driver, '21-conflict-kept-mine');
});

test('a second conflict resolved with Keep theirs leaves the server value everywhere', async () => {
  const { driver } = app;
  const id = await serverEvent('Conflict probe B', 6);
  await clash(id, { summary: 'B — their title' }, { 'event-title': 'B — my title' });
  const item = await shownConflict(driver, id, 'B — my title', 'B — their title');
  await screenshot(driver, '22-second-conflict');
  // The merged version (here: the server's) is settled before the version is noted.
  await eventually(async () => (await invoke(driver, 'list_pending_changes')).length === 0, LONG, 'the 412 to settle');
  const before = await emu.getEvent(calendarId, id);
  await (await item.findElement(By.css('[data-testid="conflict-keep-theirs"]'))).click();
  await conflictGone(driver, id);
  await closeDialogs(driver);
  await nothingPending(driver);
  // Nothing more went to the server: same value, same version.
  const after = await emu.getEvent(calendarId, id);
  assert.equal(after.summary, 'B — their title');
  assert.equal(after.etag, before.etag, 'Keep theirs sent nothing');
  assert.equal((await appEvent(driver, id)).title, 'B — their title');
  await eventually(async () => /B — their title/.test(await eventText(driver, id)), 20000, 'the server title in the day view');
  await screenshot(driver, '23-conflict-kept-theirs');
});

test('a conflict on two fields: re-apply mine for one, keep theirs for the other', async () => {
  const { driver } = app;
  const id = await serverEvent('Conflict probe C', 7);
  await clash(
    id,
    { summary: 'C — their title', location: 'Their room' },
    { 'event-title': 'C — my title', 'event-location-input': 'My room' },
  );
  await openPanel(driver);
  let item = await eventually(() => conflictItem(driver, id), 20000, `the conflict for ${id} in the panel`);
  const rows = {};
  for (const row of await item.findElements(By.css('[data-testid="conflict-field"]'))) {
    rows[await row.getAttribute('data-field')] = [
      await row.findElement(By.css('[data-testid="conflict-local"]')).getText(),
      await row.findElement(By.css('[data-testid="conflict-server"]')).getText(),
    ];
  }
  assert.deepEqual(rows, { summary: ['C — my title', 'C — their title'], location: ['My room', 'Their room'] });
  await screenshot(driver, '24-two-field-conflict');
  const location = await item.findElement(By.css('[data-testid="conflict-field"][data-field="location"]'));
  await (await location.findElement(By.css('[data-testid="conflict-reapply"]'))).click();
  await onServer(id, { location: 'My room', summary: 'C — their title' }, 'my location (and their title) on the server');
  // The record stays open for the title alone.
  item = await eventually(
    async () => {
      const it = await conflictItem(driver, id);
      if (!it) return null;
      const fields = await it.findElements(By.css('[data-testid="conflict-field"]'));
      return fields.length === 1 && (await fields[0].getAttribute('data-field')) === 'summary' ? it : null;
    },
    30000,
    'the conflict to keep only the title',
  );
  await (await item.findElement(By.css('[data-testid="conflict-keep-theirs"]'))).click();
  await conflictGone(driver, id);
  await closeDialogs(driver);
  await nothingPending(driver);
  const ev = await emu.getEvent(calendarId, id);
  assert.equal(ev.summary, 'C — their title');
  assert.equal(ev.location, 'My room');
  const local = await appEvent(driver, id);
  assert.equal(local.title, 'C — their title');
  assert.equal(local.location, 'My room');
});

test('different fields changed on each side merge without asking', async () => {
  const { driver } = app;
  const id = await serverEvent('Merge probe', 8);
  await eventually(() => idle(driver), LONG, 'no sync running');
  const hold = await addFault(port, { method: 'GET', pathRegex: '/events(\\?|$)', action: { kind: 'delay' }, latencyMs: 20000 });
  try {
    await patchEventAsOther(port, calendarId, id, { location: 'Room 7 (theirs)' });
    await editInWindow(driver, id, { 'event-title': 'Merge probe — my title' });
    await onServer(id, { summary: 'Merge probe — my title', location: 'Room 7 (theirs)' }, 'both changes on the server');
  } finally {
    await removeFault(port, hold);
  }
  const patches = await patchStatuses(id);
  assert.ok(patches.includes(412), `the push met 412 and was merged (PATCH statuses ${patches})`);
  await eventually(
    async () => {
      const ev = await appEvent(driver, id);
      return ev?.title === 'Merge probe — my title' && ev?.location === 'Room 7 (theirs)' && !ev.pending;
    },
    30000,
    'both changes in the app',
    async () => JSON.stringify(await appEvent(driver, id)),
  );
  await nothingPending(driver);
  assert.deepEqual((await invoke(driver, 'list_conflicts')).filter((c) => c.eventId === id), []);
  const panel = await openPanel(driver);
  assert.equal(await conflictItem(driver, id), null, 'no conflict is shown for the merged event');
  await byTestId(driver, 'pending-empty');
  assert.ok(!(await panel.getText()).includes('Conflicts'), 'the panel lists no conflicts');
  await screenshot(driver, '25-merged-no-conflict');
  await closeDialogs(driver);
});

test('an edit made while Google is unreachable waits as pending and goes out after the fault clears', async () => {
  const { driver } = app;
  const id = await serverEvent('Offline probe', 12);
  await eventually(() => idle(driver), LONG, 'no sync running');
  const dropped = async () => (await requestLog(port)).filter((r) => r.fault === 'drop');
  // Every Calendar API request has its connection closed, for as long as the rule stays.
  await addFault(port, { pathContains: '/calendar/v3/', action: { kind: 'drop' } });
  try {
    await editInWindow(driver, id, { 'event-title': 'Offline probe — edited offline' });
    await eventually(
      async () => /^1 pending\b/.test(await pendingButtonText(driver)),
      LONG,
      'the header to show 1 pending',
      async () => `header "${await pendingButtonText(driver)}"`,
    );
    // The app shows the edit at once, marked pending.
    const local = await appEvent(driver, id);
    assert.equal(local.title, 'Offline probe — edited offline');
    assert.equal(local.pending, true);

    // The push is tried and dropped (with retries); a sync during the outage fails visibly and
    // the change survives it, unsent.
    await eventually(
      async () => (await dropped()).some((r) => r.method === 'PATCH' && r.path.endsWith(`/events/${id}`)),
      LONG,
      'a push attempt to be dropped',
    );
    const dropsBefore = (await dropped()).length;
    await eventually(() => idle(driver), LONG, 'no sync running');
    await (await byTestId(driver, 'sync-now')).click();
    await eventually(async () => (await syncStatusShown(driver)) === 'syncing', 30000, 'the sync to start');
    // Each request is retried with backoff (up to ~30 s per request) before the run gives up.
    await eventually(
      async () => (await syncStatusShown(driver)) === 'error',
      2 * LONG,
      'the sync during the outage to show an error',
      async () => JSON.stringify(await statuses(driver)),
    );
    assert.ok((await dropped()).length > dropsBefore, 'the sync tried Google');
    await screenshot(driver, '26-offline-sync-failed');

    // The change waits in the panel with the reason, and can be retried or discarded.
    await openPanel(driver);
    const row = await eventually(
      async () => {
        const [r] = await driver.findElements(By.css(`[data-testid="pending-change"][data-event-id="${id}"]`));
        return r && (await r.getAttribute('data-state')) === 'pending' ? r : null;
      },
      30000,
      'the change waiting in the panel',
      async () => JSON.stringify(await invoke(driver, 'list_pending_changes')),
    );
    assert.ok((await row.getText()).includes('Offline probe — edited offline'), await row.getText());
    const error = await row.findElement(By.css('[data-testid="pending-error"]')).getText();
    assert.ok(error.length > 0, 'the reason is shown');
    await row.findElement(By.css('[data-testid="pending-retry"]'));
    await row.findElement(By.css('[data-testid="pending-discard"]'));
    await screenshot(driver, '27-offline-pending');
    console.log(`offline change waiting, reason shown: ${error}`);
    await closeDialogs(driver);
    const still = await invoke(driver, 'list_pending_changes');
    assert.deepEqual(still.map((c) => c.eventId), [id], 'the change is still queued');
    assert.match(await pendingButtonText(driver), /^1 pending\b/);
    assert.equal((await emu.getEvent(calendarId, id)).summary, 'Offline probe', 'nothing reached the server');
  } finally {
    await clearFaults(port);
  }

  // Google is back: a Sync sends the queued edit.
  await syncUntil(
    driver,
    async () => (await emu.getEvent(calendarId, id)).summary === 'Offline probe — edited offline',
    'the offline edit on the server',
  );
  await nothingPending(driver);
  await eventually(async () => (await appEvent(driver, id))?.pending === false, 30000, 'the event no longer marked pending');
  await eventually(async () => (await syncStatusShown(driver)) === 'up_to_date', LONG, 'Up to date again');
  await screenshot(driver, '28-offline-sent');
});
