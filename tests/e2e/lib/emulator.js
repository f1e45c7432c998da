// The demo emulator's control API (`/__emulator/…`), reached on the port the test fixed with
// CHRONOS_DEMO_EMULATOR_PORT.

export function emulator(port) {
  const base = `http://127.0.0.1:${port}/__emulator`;
  async function call(method, path, body) {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }
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
