// Starts Chronos under tauri-driver (one driver and one app per call) and hands back a
// selenium-webdriver session, plus helpers for waiting, screenshots and the app's own data dir.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

export { By, until };

const APP = process.env.CHRONOS_APP;
const OUT = process.env.CHRONOS_E2E_OUT ?? 'test-output/e2e';
if (!APP) throw new Error('CHRONOS_APP is not set: run the specs through tests/e2e/run.sh');

// The app runs on the clock run.sh pins (CHRONOS_CLOCK_START, read at the real instant
// CHRONOS_CLOCK_SET_AT), and so must every date a spec computes: the same formula as the app's.
const PIN = process.env.CHRONOS_CLOCK_START;
const PIN_SET_AT = process.env.CHRONOS_CLOCK_SET_AT;
if (PIN && !PIN_SET_AT) throw new Error('CHRONOS_CLOCK_START without CHRONOS_CLOCK_SET_AT: run the specs through tests/e2e/run.sh');
const CLOCK_OFFSET = PIN ? Date.parse(PIN) - Number(PIN_SET_AT) * 1000 : 0;

/** Milliseconds since the epoch on the app's clock. */
export function appNow() {
  return Date.now() + CLOCK_OFFSET;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; we release it straight away). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`tauri-driver did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Running copies of the app whose data dir is `dataDir` (from /proc: executable and environment). */
function appPids(dataDir) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) !== APP) continue;
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`CHRONOS_DATA_DIR=${dataDir}`)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/**
 * Launches the app. `env` is added to the app's environment (tauri-driver passes its own on);
 * every launch gets a fresh CHRONOS_DATA_DIR unless one is given. The demo account does not
 * connect by itself (specs connect it with a click) unless `env` sets CHRONOS_DEMO_AUTOCONNECT=1.
 */
export async function launch({ env = {}, args = [] } = {}) {
  env = { CHRONOS_DEMO_AUTOCONNECT: '0', ...env };
  const port = await freePort();
  const nativePort = await freePort();
  const ownDataDir = !env.CHRONOS_DATA_DIR;
  const dataDir = env.CHRONOS_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'chronos-e2e-'));
  const driverProc = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, CHRONOS_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForPort(port, 15000);
  // A Chronos still running from an earlier launch would take this one over (single instance)
  // and the session would wait for a window that never comes: give up after a minute, saying so.
  let timer;
  const driver = await Promise.race([
    new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({
        browserName: 'wry',
        'tauri:options': { application: APP, args },
      })
      .build(),
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        driverProc.kill('SIGTERM');
        reject(new Error(`no WebDriver session within 60 s; running copies of the app: ${JSON.stringify(appPids(dataDir))}`));
      }, 60000);
    }),
  ]).finally(() => clearTimeout(timer));
  await driver.manage().setTimeouts({ implicit: 0, script: 30000 });
  const stop = async () => {
    // A wedged session must not hang the run: give quit 15 s, then end the driver anyway.
    await Promise.race([driver.quit().catch(() => {}), new Promise((r) => setTimeout(r, 15000))]);
    driverProc.kill('SIGTERM');
    await new Promise((r) => (driverProc.exitCode !== null ? r() : driverProc.once('exit', r)));
    // Closing the session normally ends the app; one that outlives it (it may have hidden in the
    // tray instead) would take over the next spec's launch, so it is ended here.
    for (let i = 0; i < 50 && appPids(dataDir).length > 0; i++) await sleep(100);
    const left = appPids(dataDir);
    if (left.length > 0) {
      console.log(`e2e: the app outlived its session (pids ${left}); ending it`);
      for (const pid of left) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (let i = 0; i < 50 && appPids(dataDir).length > 0; i++) await sleep(100);
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { driver, dataDir, stop };
}

/** The element with this data-testid, once it is displayed. */
export async function byTestId(driver, id, ms = 20000) {
  const el = await driver.wait(until.elementLocated(By.css(`[data-testid="${id}"]`)), ms,
    `no element with data-testid="${id}" within ${ms} ms`);
  await driver.wait(until.elementIsVisible(el), ms, `data-testid="${id}" never became visible`);
  return el;
}

/** Polls `fn` until it returns a truthy value; `explain` adds state to the timeout message. */
export async function eventually(fn, ms = 20000, what = 'condition', explain = null) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const extra = explain ? ` — ${await explain().catch((e) => e)}` : '';
      throw new Error(`timed out waiting for ${what} (last: ${last})${extra}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the calendar's title names `day` ({ year, month: 'Mar', date }), in either order. */
export async function dayInTitle(driver, { year, month, date }, ms = 20000) {
  const named = new RegExp(`${month}\\w* ${date},? ${year}|${date} ${month}\\w* ${year}`);
  return eventually(
    async () => {
      const title = await (await byTestId(driver, 'view-title')).getText();
      return named.test(title) && title;
    },
    ms,
    `the view to show ${date} ${month} ${year}`,
  );
}

/** Saves a PNG screenshot to test-output/e2e/<name>.png and returns its path. */
/**
 * Saves a screenshot for a look after the run (none is asserted on). WebKitGTK 2.50's driver
 * never answers a screenshot of a page drawn without compositing, which is how the app draws
 * (src-tauri/src/process_env.rs); the session goes on working, so after a few seconds the picture is
 * given up and null returned.
 */
export async function screenshot(driver, name) {
  const path = join(OUT, `${name}.png`);
  let timer;
  const shot = await Promise.race([
    driver.takeScreenshot(),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), 3000);
    }),
  ]).finally(() => clearTimeout(timer));
  if (shot === null) {
    console.log(`e2e: no screenshot ${name} (the driver did not answer)`);
    return null;
  }
  writeFileSync(path, Buffer.from(shot, 'base64'));
  return path;
}

/** Calls a Tauri command from inside the page (the same IPC the UI uses). */
export async function invoke(driver, cmd, args = {}) {
  const result = await driver.executeAsyncScript(
    `const [cmd, args, done] = arguments;
     window.__TAURI_INTERNALS__.invoke(cmd, args)
       .then((value) => done({ ok: true, value }), (error) => done({ ok: false, error }));`,
    cmd,
    args,
  );
  if (!result.ok) {
    const err = new Error(`${cmd} failed: ${JSON.stringify(result.error)}`);
    err.appError = result.error;
    throw err;
  }
  return result.value;
}
