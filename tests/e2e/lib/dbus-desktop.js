// The desktop side of the private session bus, as a Linux desktop shell would provide it:
//   - a notification server (org.freedesktop.Notifications) that records every Notify call;
//   - a StatusNotifierWatcher (org.kde.StatusNotifierWatcher) that also plays the host, so
//     libayatana-appindicator (Tauri's tray on Linux) registers its item with it;
// plus a reader for a registered item: its org.kde.StatusNotifierItem properties, its icon's
// pixels, and its com.canonical.dbusmenu menu (layout and clicks).
//
// Start it before the app, in the same session bus (run.sh runs the specs inside
// dbus-run-session, and tauri-driver hands DBUS_SESSION_BUS_ADDRESS on to the app).

import dbus from 'dbus-next';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const { Interface, ACCESS_READ } = dbus.interface;
const { Message, Variant } = dbus;

const NOTIFICATIONS = 'org.freedesktop.Notifications';
const WATCHER = 'org.kde.StatusNotifierWatcher';
const ITEM_IFACE = 'org.kde.StatusNotifierItem';
const MENU_IFACE = 'com.canonical.dbusmenu';

// dbus-next hands a method no caller; the 'message' event fires synchronously just before the
// method runs, so the sender of the call being handled is remembered here.
let currentSender = null;

class NotificationServer extends Interface {
  constructor(record) {
    super(NOTIFICATIONS);
    this.record = record;
    this.nextId = 1;
  }

  Notify(appName, replacesId, appIcon, summary, body, actions, hints, expireTimeout) {
    const id = replacesId || this.nextId++;
    this.record({
      id,
      at: new Date().toISOString(),
      sender: currentSender,
      appName,
      replacesId,
      appIcon,
      summary,
      body,
      actions,
      hints: plainHints(hints),
      expireTimeout,
    });
    return id;
  }

  CloseNotification(id) {
    this.NotificationClosed(id, 3);
  }

  GetCapabilities() {
    return ['body', 'actions', 'persistence'];
  }

  GetServerInformation() {
    return ['chronos-e2e', 'Chronos tests', '1.0', '1.2'];
  }

  NotificationClosed(id, reason) {
    return [id, reason];
  }

  ActionInvoked(id, actionKey) {
    return [id, actionKey];
  }
}
NotificationServer.configureMembers({
  methods: {
    Notify: { inSignature: 'susssasa{sv}i', outSignature: 'u' },
    CloseNotification: { inSignature: 'u', outSignature: '' },
    GetCapabilities: { inSignature: '', outSignature: 'as' },
    GetServerInformation: { inSignature: '', outSignature: 'ssss' },
  },
  signals: {
    NotificationClosed: { signature: 'uu' },
    ActionInvoked: { signature: 'us' },
  },
});

class StatusNotifierWatcher extends Interface {
  constructor() {
    super(WATCHER);
    /** "<unique bus name><object path>" of each registered item, in registration order. */
    this.items = [];
    this.hosts = [];
    this.log = [];
  }

  get RegisteredStatusNotifierItems() {
    return this.items;
  }

  get IsStatusNotifierHostRegistered() {
    return true;
  }

  get ProtocolVersion() {
    return 0;
  }

  RegisterStatusNotifierItem(service) {
    // Ayatana passes its object path and is found by its connection; others pass a bus name.
    const item = service.startsWith('/')
      ? `${currentSender}${service}`
      : `${service}/StatusNotifierItem`;
    if (!this.items.includes(item)) {
      this.items.push(item);
      this.log.push({ at: new Date().toISOString(), registered: item });
      this.StatusNotifierItemRegistered(item);
      Interface.emitPropertiesChanged(this, { RegisteredStatusNotifierItems: this.items }, []);
    }
  }

  RegisterStatusNotifierHost(service) {
    if (!this.hosts.includes(service)) this.hosts.push(service);
    this.StatusNotifierHostRegistered();
  }

  /** An item's connection left the bus: it is gone from the tray. */
  ownerGone(uniqueName) {
    const gone = this.items.filter((i) => i.startsWith(`${uniqueName}/`));
    if (gone.length === 0) return;
    this.items = this.items.filter((i) => !gone.includes(i));
    for (const item of gone) {
      this.log.push({ at: new Date().toISOString(), unregistered: item });
      this.StatusNotifierItemUnregistered(item);
    }
    Interface.emitPropertiesChanged(this, { RegisteredStatusNotifierItems: this.items }, []);
  }

  StatusNotifierItemRegistered(item) {
    return item;
  }

  StatusNotifierItemUnregistered(item) {
    return item;
  }

  StatusNotifierHostRegistered() {}

  StatusNotifierHostUnregistered() {}
}
StatusNotifierWatcher.configureMembers({
  properties: {
    RegisteredStatusNotifierItems: { signature: 'as', access: ACCESS_READ },
    IsStatusNotifierHostRegistered: { signature: 'b', access: ACCESS_READ },
    ProtocolVersion: { signature: 'i', access: ACCESS_READ },
  },
  methods: {
    RegisterStatusNotifierItem: { inSignature: 's', outSignature: '' },
    RegisterStatusNotifierHost: { inSignature: 's', outSignature: '' },
  },
  signals: {
    StatusNotifierItemRegistered: { signature: 's' },
    StatusNotifierItemUnregistered: { signature: 's' },
    StatusNotifierHostRegistered: { signature: '' },
    StatusNotifierHostUnregistered: { signature: '' },
  },
});

/** Variants to plain values; byte arrays (image data) are summarised, 64-bit ints stringified. */
function plain(value) {
  if (value instanceof Variant) return plain(value.value);
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

function plainHints(hints) {
  const out = {};
  for (const [k, v] of Object.entries(hints ?? {})) {
    out[k] = k === 'image-data' || k === 'icon_data' ? '<image>' : plain(v);
  }
  return out;
}

/**
 * Connects to the session bus and takes both desktop names. Returns the recorder:
 * `notifications` (every Notify call), `items()` (registered tray items), `tray()` (a reader for
 * the first item), `stop()`.
 */
export async function startDesktop() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('no session bus: run the specs through tests/e2e/run.sh');
  }
  const bus = dbus.sessionBus();
  bus.on('message', (msg) => {
    currentSender = msg.sender ?? null;
  });
  const notifications = [];
  const server = new NotificationServer((n) => notifications.push(n));
  const watcher = new StatusNotifierWatcher();
  bus.export('/org/freedesktop/Notifications', server);
  bus.export('/StatusNotifierWatcher', watcher);
  for (const name of [NOTIFICATIONS, WATCHER, `org.kde.StatusNotifierHost-${process.pid}`]) {
    // 4 = DBUS_NAME_FLAG_DO_NOT_QUEUE: fail loudly if something else already owns it.
    const reply = await bus.requestName(name, 4);
    if (reply !== 1) throw new Error(`could not own ${name} on the session bus (reply ${reply})`);
  }
  watcher.RegisterStatusNotifierHost(`org.kde.StatusNotifierHost-${process.pid}`);

  const dbusProxy = await bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
  dbusProxy.getInterface('org.freedesktop.DBus').on('NameOwnerChanged', (name, _old, now) => {
    if (name.startsWith(':') && now === '') watcher.ownerGone(name);
  });

  const call = async (destination, path, iface, member, signature = '', body = []) => {
    const reply = await bus.call(
      new Message({ destination, path, interface: iface, member, signature, body }),
    );
    return reply.body;
  };

  return {
    bus,
    notifications,
    watcherLog: watcher.log,
    items: () => [...watcher.items],
    /** A reader for the registered item `item` (default: the first one). */
    tray: (item = watcher.items[0]) => {
      if (!item) throw new Error('no tray item is registered');
      return trayReader(call, item);
    },
    /** What the desktop saw, for the test-output JSON dump. */
    snapshot: () => ({ items: [...watcher.items], watcherLog: watcher.log, notifications }),
    stop: async () => {
      bus.disconnect();
    },
    /** Whether `busName` is on the bus (the app still running). */
    hasOwner: async (busName) =>
      (await call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
        'NameHasOwner', 's', [busName]))[0],
  };
}

function trayReader(call, item) {
  const slash = item.indexOf('/');
  const service = item.slice(0, slash);
  const path = item.slice(slash);

  async function properties() {
    const [all] = await call(service, path, 'org.freedesktop.DBus.Properties', 'GetAll', 's',
      [ITEM_IFACE]);
    return plain(all);
  }

  async function menuPath() {
    const [menu] = await call(service, path, 'org.freedesktop.DBus.Properties', 'Get', 'ss',
      [ITEM_IFACE, 'Menu']);
    return menu.value;
  }

  /** The menu as a tree of { id, label, enabled, visible, type, children }. */
  async function menu() {
    const mpath = await menuPath();
    const [revision, layout] = await call(service, mpath, MENU_IFACE, 'GetLayout', 'iias',
      [0, -1, []]);
    const node = ([id, props, children]) => {
      const p = plain(props);
      return {
        id,
        label: p.label ?? '',
        enabled: p.enabled ?? true,
        visible: p.visible ?? true,
        type: p.type ?? 'standard',
        children: children.map((c) => node(c.value)),
      };
    };
    return { revision, path: mpath, root: node(layout) };
  }

  /** The visible top-level entries, separators left out, as { id, label, enabled }. */
  async function entries() {
    const { root } = await menu();
    return root.children
      .filter((c) => c.visible && c.type !== 'separator')
      .map(({ id, label, enabled }) => ({ id, label: label.replace(/_(?!_)/g, ''), enabled }));
  }

  /** Clicks the entry whose label is `label`, as a tray host does when the user picks it. */
  async function click(label) {
    const mpath = await menuPath();
    const entry = (await entries()).find((e) => e.label === label);
    if (!entry) throw new Error(`no tray menu entry "${label}"`);
    await call(service, mpath, MENU_IFACE, 'Event', 'isvu',
      [entry.id, 'clicked', new Variant('i', 0), Math.floor(Date.now() / 1000) >>> 0]);
    return entry;
  }

  /** The icon currently shown: its file (Ayatana names a PNG by path) and its RGBA pixels. */
  async function icon() {
    const p = await properties();
    if (p.IconName && p.IconName.startsWith('/')) {
      return { file: p.IconName, ...decodePng(readFileSync(p.IconName)) };
    }
    if (p.IconName && p.IconThemePath) {
      const file = `${p.IconThemePath}/${p.IconName}.png`;
      return { file, ...decodePng(readFileSync(file)) };
    }
    throw new Error(`the tray item names no icon file: ${JSON.stringify(p)}`);
  }

  return { item, service, path, properties, menu, entries, click, icon };
}

/** Decodes an 8-bit RGBA (or RGB), non-interlaced PNG to { width, height, rgba }. */
export function decodePng(buf) {
  const sig = buf.subarray(0, 8).toString('hex');
  if (sig !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('latin1', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      colorType = data[9];
      if (depth !== 8 || (colorType !== 6 && colorType !== 2) || data[12] !== 0) {
        throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${data[12]})`);
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    off += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = v & 0xff;
    }
  }
  let rgba = px;
  if (bpp === 3) {
    rgba = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      px.copy(rgba, i * 4, i * 3, i * 3 + 3);
      rgba[i * 4 + 3] = 255;
    }
  }
  return { width, height, rgba };
}
