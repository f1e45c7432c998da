// The app's top-level X11 window as a window manager sees it: found by title, its map state,
// and closed the way a window manager's close button does (a WM_DELETE_WINDOW client message,
// which GTK turns into a close request the app may refuse — unlike WebDriver's "close window",
// which destroys the web view outright).
//
// Xvfb has no window manager, so the message is sent by a minimal X11 client speaking the core
// protocol over the display's Unix socket, authenticated with the cookie xvfb-run set up.

import { execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';

function display() {
  const m = /^:(\d+)/.exec(process.env.DISPLAY ?? '');
  if (!m) throw new Error(`no local X display in DISPLAY=${process.env.DISPLAY}`);
  return m[1];
}

/** The MIT-MAGIC-COOKIE-1 for the display, if the server wants one. */
function cookie() {
  try {
    const out = execFileSync('xauth', ['-n', 'list', process.env.DISPLAY], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.includes('MIT-MAGIC-COOKIE-1'));
    return line ? Buffer.from(line.trim().split(/\s+/).at(-1), 'hex') : null;
  } catch {
    return null;
  }
}

const pad4 = (n) => (4 - (n % 4)) % 4;

/** Top-level windows titled `title` that accept WM_DELETE_WINDOW, as hex ids. */
export function windowsTitled(title) {
  const tree = execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
  const ids = [];
  for (const line of tree.split('\n')) {
    const m = /^\s*(0x[0-9a-f]+) "(.*)":/.exec(line);
    if (!m || m[2] !== title) continue;
    let protocols;
    try {
      protocols = execFileSync('xprop', ['-id', m[1], 'WM_PROTOCOLS'], { encoding: 'utf8', stdio: 'pipe' });
    } catch {
      continue; // gone between the listing and this look: a window being destroyed
    }
    if (protocols.includes('WM_DELETE_WINDOW')) ids.push(m[1]);
  }
  return ids;
}

/** "IsViewable", "IsUnMapped" or "IsUnviewable". */
export function mapState(id) {
  const info = execFileSync('xwininfo', ['-id', id], { encoding: 'utf8' });
  return /Map State:\s*(\w+)/.exec(info)?.[1] ?? 'unknown';
}

/** Sends WM_DELETE_WINDOW to window `id` (hex string) and waits until the server processed it. */
export async function requestClose(id) {
  const sock = createConnection(`/tmp/.X11-unix/X${display()}`);
  let buf = Buffer.alloc(0);
  let waiting = null;
  sock.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    waiting?.();
  });
  const failed = new Promise((_, reject) => sock.once('error', reject));
  const read = async (n) => {
    while (buf.length < n) {
      await Promise.race([new Promise((r) => (waiting = r)), failed]);
    }
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  const reply = async () => {
    const r = await read(32);
    if (r[0] === 0) throw new Error(`X11 error code ${r[1]}`);
    return r;
  };
  try {
    await new Promise((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    const auth = cookie();
    const name = Buffer.from(auth ? 'MIT-MAGIC-COOKIE-1' : '');
    const data = auth ?? Buffer.alloc(0);
    const setup = Buffer.alloc(12 + name.length + pad4(name.length) + data.length + pad4(data.length));
    setup.write('l', 0, 'latin1');
    setup.writeUInt16LE(11, 2);
    setup.writeUInt16LE(0, 4);
    setup.writeUInt16LE(name.length, 6);
    setup.writeUInt16LE(data.length, 8);
    name.copy(setup, 12);
    data.copy(setup, 12 + name.length + pad4(name.length));
    sock.write(setup);
    const head = await read(8);
    await read(head.readUInt16LE(6) * 4);
    if (head[0] !== 1) throw new Error(`the X server refused the connection (status ${head[0]})`);

    const internAtom = async (atomName) => {
      const n = Buffer.from(atomName, 'latin1');
      const req = Buffer.alloc(8 + n.length + pad4(n.length));
      req[0] = 16;
      req.writeUInt16LE(req.length / 4, 2);
      req.writeUInt16LE(n.length, 4);
      n.copy(req, 8);
      sock.write(req);
      return (await reply()).readUInt32LE(8);
    };
    const protocols = await internAtom('WM_PROTOCOLS');
    const del = await internAtom('WM_DELETE_WINDOW');

    const win = parseInt(id, 16);
    const send = Buffer.alloc(44);
    send[0] = 25; // SendEvent
    send.writeUInt16LE(11, 2);
    send.writeUInt32LE(win, 4);
    send.writeUInt32LE(0, 8); // event mask 0: to the window's owner
    send[12] = 33; // ClientMessage
    send[13] = 32; // format
    send.writeUInt32LE(win, 16);
    send.writeUInt32LE(protocols, 20);
    send.writeUInt32LE(del, 24);
    send.writeUInt32LE(0, 28); // CurrentTime
    sock.write(send);
    // GetInputFocus: its reply comes after SendEvent was processed (or after its error).
    const sync = Buffer.alloc(4);
    sync[0] = 43;
    sync.writeUInt16LE(1, 2);
    sock.write(sync);
    await reply();
  } finally {
    sock.destroy();
  }
}
