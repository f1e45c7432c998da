// The tray half of scripts/app-bench.sh: a desktop with a tray (the e2e specs' StatusNotifier
// watcher on the private session bus) for the app to register with, driven through files in the
// work directory given as the only argument, so the shell script can measure /proc in between:
//   it writes `desk.ready` once the desktop owns its names;
//   on `close`, it closes the Chronos window as a window manager does and writes `closed` once
//   no Chronos window is left;
//   on `open`, it clicks Open Chronos in the tray and writes `opened` with the milliseconds
//   until a Chronos window was on screen again.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDesktop } from '../tests/e2e/lib/dbus-desktop.js';
import { mapState, requestClose, windowsTitled } from '../tests/e2e/lib/x11-window.js';

const work = process.argv[2];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(ok, ms, what) {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`app-bench-tray: timed out waiting for ${what}`);
    await sleep(10);
  }
}

const asked = (name) => existsSync(join(work, name));
const desk = await startDesktop();
writeFileSync(join(work, 'desk.ready'), '');

await until(() => asked('close'), 600000, 'the close request');
await until(() => desk.items().length === 1, 20000, 'the tray item');
const [win] = windowsTitled('Chronos');
if (!win) throw new Error('app-bench-tray: no Chronos window to close');
await requestClose(win);
await until(() => windowsTitled('Chronos').length === 0, 10000, 'the window to go');
writeFileSync(join(work, 'closed'), '');

await until(() => asked('open'), 600000, 'the open request');
const t0 = Date.now();
await desk.tray().click('Open Chronos');
await until(() => windowsTitled('Chronos').some((w) => mapState(w) === 'IsViewable'), 10000,
  'the window to come back');
writeFileSync(join(work, 'opened'), String(Date.now() - t0));
await desk.stop();
process.exit(0);
