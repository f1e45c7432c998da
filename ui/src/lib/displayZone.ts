// The zone the calendar is shown in: the account's own when the settings follow it and it is
// known, else the chosen one, else the computer's.

import type { AccountTimeZone, Settings } from '../api/types';

/** The account's zone when the settings follow it and it is known. */
function followedZone(settings: Settings | null, accountZone: AccountTimeZone | null): string | undefined {
  return settings?.followAccountTimeZone ? accountZone?.timeZone : undefined;
}

/** The zone times are shown and entered in; `systemZone` is the computer's. */
export function displayZone(settings: Settings | null, accountZone: AccountTimeZone | null, systemZone: string): string {
  return followedZone(settings, accountZone) || settings?.displayTimeZone || systemZone;
}

/** The same zone as FullCalendar names it: 'local' for the computer's. */
export function calendarZone(settings: Settings | null, accountZone: AccountTimeZone | null): string {
  return followedZone(settings, accountZone) || settings?.displayTimeZone || 'local';
}
