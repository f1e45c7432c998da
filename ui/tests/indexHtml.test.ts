// The page must run under the app's CSP (script-src 'self'; Tauri may add a style nonce).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const html = readFileSync(resolve(__dirname, '../index.html'), 'utf8');

describe('index.html', () => {
  it('has no inline script and no inline event handler', () => {
    const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toMatch(/\ssrc=/);
    expect(html).not.toMatch(/<script\b[^>]*>\s*[^<\s]/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  });

  it("holds FullCalendar's empty style element, which receives Tauri's style nonce", () => {
    expect(html).toMatch(/<style data-fullcalendar><\/style>/);
  });
});
