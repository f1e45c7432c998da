// The calendar's locale, in one place: FullCalendar runs in its built-in English, and everything
// drawn beside it (the mini month, the day names read out) follows the same week and wording.

/** Day names, month names and date formats. */
export const CALENDAR_LOCALE = 'en-US';

/** The first day of the week, as FullCalendar counts (0 = Sunday), as its English locale has it. */
export const FIRST_DAY_OF_WEEK = 0;
