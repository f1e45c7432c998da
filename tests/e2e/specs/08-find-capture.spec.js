// Find and capture in the real window: a line typed into quick add reaches the Google
// stand-in as an event; search finds it and opens it; the command palette switches the view and
// goes to a date; Google Calendar's keys move through periods and open the editor.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Key } from 'selenium-webdriver';
import { By, byTestId, eventually, invoke, screenshot } from '../lib/app.js';
import { closeDialogs, connectedApp, LONG } from '../lib/calendar.js';

let app;
let emu;
let calendarId;

before(async () => {
  ({ app, emu, calendarId } = await connectedApp());
});
after(async () => {
  await app?.stop();
});

/** Keys typed as a person types them, to whatever has the focus. */
async function press(...keys) {
  await app.driver.actions().sendKeys(...keys).perform();
}

async function chord(modifier, key) {
  await app.driver.actions().keyDown(modifier).sendKeys(key).keyUp(modifier).perform();
}

const view = async () => (await byTestId(app.driver, 'calendar-view')).getAttribute('data-view');
const title = async () => (await byTestId(app.driver, 'view-title')).getText();

test('quick add: a typed line is previewed, saved, and reaches Google', async () => {
  const { driver } = app;
  await press('q');
  const field = await byTestId(driver, 'quick-add-input');
  await field.sendKeys('Quickly lunch with Ana tomorrow 1pm at Café Nero');
  await eventually(async () => (await (await byTestId(driver, 'quick-add-title')).getText()) === 'Quickly lunch with Ana',
    10000, 'the preview of the line');
  const when = await (await byTestId(driver, 'quick-add-when')).getText();
  assert.match(when, /1:00/, `the preview's time: ${when}`);
  await screenshot(driver, '08-quick-add');
  await (await byTestId(driver, 'quick-add-save')).click();
  await eventually(async () => (await driver.findElements(By.css('[data-testid="quick-add"]'))).length === 0,
    10000, 'the quick-add dialog to close');

  const onGoogle = await eventually(async () => {
    for (const id of await emu.eventIds(calendarId)) {
      const ev = await emu.getEvent(calendarId, id);
      if (ev.summary === 'Quickly lunch with Ana') return ev;
    }
    return null;
  }, LONG, 'the quick-added event on the Google stand-in');
  assert.equal(onGoogle.location, 'Café Nero');
  assert.match(onGoogle.start.dateTime, /T13:00:00/, `starts at 1 pm on its own clock: ${JSON.stringify(onGoogle.start)}`);
});

test('search: / focuses the field, a prefix finds the event, Enter opens it on its day', async () => {
  const { driver } = app;
  await closeDialogs(driver);
  await press('/');
  const field = await byTestId(driver, 'search-input');
  assert.equal(await driver.switchTo().activeElement().getAttribute('data-testid'), 'search-input');
  await field.sendKeys('quick caf');
  const hit = await eventually(async () => {
    for (const h of await driver.findElements(By.css('[data-testid="search-hit"]'))) {
      // Its text as the page has it (WebKitGTK's driver leaves an ellipsised span out of getText).
      if ((await h.getAttribute('textContent')).includes('Quickly lunch with Ana')) return h;
    }
    return null;
  }, 10000, 'the event among the results');
  assert.ok(hit);
  await screenshot(driver, '08-search');
  await field.sendKeys(Key.ENTER);
  const dialog = await byTestId(driver, 'event-dialog');
  await eventually(async () => (await dialog.getText()).includes('Quickly lunch with Ana'), 10000, 'the event opened');
  assert.equal(await view(), 'day');
  await closeDialogs(driver);
});

test('the palette switches the view and goes to a date', async () => {
  const { driver } = app;
  await chord(Key.CONTROL, 'k');
  const input = await byTestId(driver, 'palette-input');
  await input.sendKeys('week view');
  await input.sendKeys(Key.ENTER);
  await eventually(async () => (await view()) === 'week', 10000, 'the week view');

  await chord(Key.CONTROL, 'k');
  const again = await byTestId(driver, 'palette-input');
  await again.sendKeys('2031-03-03');
  await eventually(async () => {
    const [first] = await driver.findElements(By.css('[data-testid="palette-item"]'));
    return first && (await first.getText()).startsWith('Go to');
  }, 10000, 'the date offered first');
  await again.sendKeys(Key.ENTER);
  await eventually(async () => /2031/.test(await title()), 10000, 'the week of 2031-03-03');

  // Words the core reads as a day are a place to go too.
  await chord(Key.CONTROL, 'k');
  const words = await byTestId(driver, 'palette-input');
  await words.sendKeys('next friday');
  await eventually(async () => {
    const [first] = await driver.findElements(By.css('[data-testid="palette-item"]'));
    return first && (await first.getText()).startsWith('Go to');
  }, 10000, 'next friday offered as a date');
  await words.sendKeys(Key.ESCAPE);
});

test('Google Calendar keys: m, n and p move by months, t comes back, c opens the editor, ? lists them', async () => {
  const { driver } = app;
  // The palette gave the focus back to the search field: Escape closes its list, then leaves it.
  await press(Key.ESCAPE);
  await press(Key.ESCAPE);
  await press('m');
  await eventually(async () => (await view()) === 'month', 10000, 'the month view');
  const march = await title();
  assert.match(march, /2031/, 'still where the palette went');
  await press('n');
  await eventually(async () => (await title()) !== march, 10000, 'the next month');
  await press('p');
  await eventually(async () => (await title()) === march, 10000, 'back to the month before');
  await press('t');
  await eventually(async () => !/2031/.test(await title()), 10000, 'the month of today again');
  await press('c');
  await byTestId(driver, 'event-title');
  await press(Key.ESCAPE);
  await eventually(async () => (await driver.findElements(By.css('[data-testid="event-dialog"]'))).length === 0,
    10000, 'the editor to close');
  await press('?');
  const rows = await driver.findElements(By.css('[data-testid="shortcut-row"]'));
  assert.ok(rows.length >= 10, `the shortcuts listed: ${rows.length}`);
  await press(Key.ESCAPE);
  const settings = await invoke(driver, 'get_settings');
  assert.ok(settings, 'the app still answers');
});

test('arrows walk the events on screen and Enter opens the one reached', async () => {
  const { driver } = app;
  await press('m');
  await eventually(async () => (await driver.findElements(By.css('[data-testid="calendar-event"]'))).length > 1,
    20000, 'events in the month');
  const first = await driver.executeScript(`
    const el = document.querySelector('[data-testid="calendar-event"]');
    el.focus();
    return el.dataset.eventId;`);
  await press(Key.ARROW_RIGHT);
  const reached = await driver.executeScript('return document.activeElement.dataset.eventId ?? null');
  assert.ok(reached && reached !== first, `focus moved from ${first} to another event: ${reached}`);
  await press(Key.ENTER);
  const dialog = await byTestId(driver, 'event-dialog');
  assert.ok(await dialog.isDisplayed());
  await press(Key.ESCAPE);
  await eventually(async () => (await driver.findElements(By.css('[data-testid="event-dialog"]'))).length === 0,
    10000, 'the event to close');
});

