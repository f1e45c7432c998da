// The window opens, the UI renders from the embedded assets, the shell answers commands and
// reports demo mode (no Google client is configured in the test environment); a newcomer's
// first start connects the demo account and fills the calendar without a click.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { By, byTestId, dayInTitle, eventually, invoke, launch, screenshot } from '../lib/app.js';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});

test('the window shows the Chronos UI', async () => {
  const { driver } = app;
  await eventually(async () => (await driver.getTitle()) === 'Chronos', 20000, 'the window title');
  const root = await driver.findElement(By.css('#app'));
  await eventually(async () => (await root.findElements(By.css('*'))).length > 0, 20000,
    'the UI to render into #app');
  await byTestId(driver, 'sidebar');
  await byTestId(driver, 'demo-banner');
  await screenshot(driver, '01-window');
});

test('the shell answers and says it is in demo mode', async () => {
  const info = await invoke(app.driver, 'app_info');
  assert.equal(info.demo, true);
  assert.match(info.version, /^\d+\.\d+\.\d+/);
  const settings = await invoke(app.driver, 'get_settings');
  assert.equal(typeof settings.syncIntervalMinutes, 'number');
});

test('a command outside the capability is refused', async () => {
  await assert.rejects(invoke(app.driver, 'plugin:opener|open_url', { url: 'https://example.com' }));
});

test('a chronos://open link that starts the app shows that day', async () => {
  // The first instance goes, so this launch is the one that starts (not a forwarded second).
  await app.stop();
  app = await launch({ args: ['chronos://open?date=2027-03-14'] });
  await dayInTitle(app.driver, { year: 2027, month: 'Mar', date: 14 });
  const view = await (await byTestId(app.driver, 'calendar-view')).getAttribute('data-view');
  assert.equal(view, 'day');
  await screenshot(app.driver, '01b-started-by-open-link');
});

test('a dark desktop theme gives the dark palette', async () => {
  await app.stop();
  // WebKitGTK answers prefers-color-scheme from the GTK theme's variant.
  app = await launch({ env: { GTK_THEME: 'Adwaita:dark' } });
  await byTestId(app.driver, 'sidebar');
  const look = await app.driver.executeScript(`
    return {
      dark: matchMedia('(prefers-color-scheme: dark)').matches,
      bg: getComputedStyle(document.documentElement).getPropertyValue('--bg').trim(),
      body: getComputedStyle(document.body).backgroundColor,
    };`);
  assert.equal(look.dark, true, JSON.stringify(look));
  assert.equal(look.bg, '#15181e', JSON.stringify(look));
  await screenshot(app.driver, '01c-dark-theme');
});

test("a newcomer's first start fills the calendar without a click", async () => {
  await app.stop();
  app = await launch({ env: { CHRONOS_DEMO_AUTOCONNECT: '1' } });
  const { driver } = app;
  await byTestId(driver, 'sidebar');
  const accounts = await invoke(driver, 'list_accounts');
  assert.equal(accounts.length, 1, JSON.stringify(accounts));
  assert.equal(accounts[0].id, 'demo@chronos.example');
  await eventually(
    async () => {
      const s = await driver.findElements(By.css('[data-testid="sync-status"]'));
      return s.length > 0 && (await s[0].getAttribute('data-state')) === 'up_to_date';
    },
    60000,
    'the first sync to finish by itself',
  );
  const shown = await eventually(
    async () => (await driver.findElements(By.css('[data-testid="calendar-event"]'))).length,
    20000,
    'events on screen',
  );
  assert.ok(shown > 0);
  await screenshot(driver, '01d-first-start-connected');
});
