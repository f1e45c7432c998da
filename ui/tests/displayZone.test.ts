import { describe, expect, it } from 'vitest';
import { calendarZone, displayZone } from '../src/lib/displayZone';
import type { AccountTimeZone, Settings } from '../src/api/types';
import { emptyWorld } from './fakeBackend';

const settings = (over: Partial<Settings>): Settings => ({ ...emptyWorld().settings, ...over });
const berlin: AccountTimeZone = { accountId: 'ada@example.com', timeZone: 'Europe/Berlin' };

describe('displayZone and calendarZone', () => {
  it('follow the account’s zone when asked to and it is known', () => {
    const s = settings({ followAccountTimeZone: true, displayTimeZone: 'Asia/Tokyo' });
    expect(displayZone(s, berlin, 'America/Denver')).toBe('Europe/Berlin');
    expect(calendarZone(s, berlin)).toBe('Europe/Berlin');
  });

  it('fall back to the chosen zone while the account’s is unknown, or when not following it', () => {
    const following = settings({ followAccountTimeZone: true, displayTimeZone: 'Asia/Tokyo' });
    expect(displayZone(following, null, 'America/Denver')).toBe('Asia/Tokyo');
    const chosen = settings({ followAccountTimeZone: false, displayTimeZone: 'Asia/Tokyo' });
    expect(displayZone(chosen, berlin, 'America/Denver')).toBe('Asia/Tokyo');
    expect(calendarZone(chosen, berlin)).toBe('Asia/Tokyo');
  });

  it('fall back to the computer’s zone, which FullCalendar calls local', () => {
    const none = settings({ followAccountTimeZone: false, displayTimeZone: null });
    expect(displayZone(none, berlin, 'America/Denver')).toBe('America/Denver');
    expect(calendarZone(none, berlin)).toBe('local');
    expect(displayZone(null, null, 'America/Denver')).toBe('America/Denver');
    expect(calendarZone(null, null)).toBe('local');
  });
});
