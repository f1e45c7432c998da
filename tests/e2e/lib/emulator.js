// The demo emulator's control API (`/__emulator/…`), reached on the port the test fixed with
// CHRONOS_DEMO_EMULATOR_PORT.

/** One control-API request; the answer's JSON (`null` when empty). */
export async function controlCall(port, method, path, body) {
  const res = await fetch(`http://127.0.0.1:${port}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export function emulator(port) {
  const call = (method, path, body) => controlCall(port, method, path, body);
  return {
    accounts: () => call('GET', '/accounts'),
    counters: () => call('GET', '/counters'),
    resetRequests: () => call('DELETE', '/requests'),
    setLatency: (ms) => call('PUT', '/latency', { ms }),
    insertEvent: (calendarId, event) =>
      call('POST', `/calendars/${encodeURIComponent(calendarId)}/events`, event),
    getEvent: (calendarId, id) =>
      call('GET', `/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(id)}`),
    eventIds: (calendarId) => call('GET', `/calendars/${encodeURIComponent(calendarId)}/events`),
    /** The grant is withdrawn at "Google": access tokens stop working, refresh is refused. */
    revokeGrant: async (account) => {
      await call('POST', '/tokens/revoke', account ? { account } : {});
      await call('POST', '/tokens/expire', account ? { account } : {});
    },
  };
}

// ---- Conflicts and faults (used by specs/05-conflicts.spec.js): edits by "another client" and
// fault rules, as standalone functions of the emulator's port.

/** Patches an event as another client would (new etag, `creator` other-client@…). */
export function patchEventAsOther(port, calendarId, id, patch) {
  return controlCall(port, 'PATCH', `/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(id)}`, patch);
}

/** Installs a fault rule (see the emulator README) and returns its id. */
export async function addFault(port, rule) {
  return (await controlCall(port, 'POST', '/faults', rule)).id;
}

export function removeFault(port, id) {
  return controlCall(port, 'DELETE', `/faults/${encodeURIComponent(id)}`);
}

export function clearFaults(port) {
  return controlCall(port, 'DELETE', '/faults');
}

/** The request log: `[{seq, method, path, query, status, account, operation, fault}]`. */
export function requestLog(port) {
  return controlCall(port, 'GET', '/requests');
}
