/**
 * A year's calendar as plain text, for lessons 04 and 05 (Twisted's version of these
 * lessons uses Python's `calendar.calendar(year)`, which JavaScript has no equivalent
 * of). Weeks start on Monday, like the Unix `cal -m` command. Nothing here is about Loom.
 */

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
  'August', 'September', 'October', 'November', 'December'];

/** Every month of `year` (1 to 9999), one after the other. */
export function yearCalendar(year: number): string {
  const months: string[] = [];
  for (let month = 1; month <= 12; month++) months.push(monthCalendar(year, month));
  return months.join('\n\n');
}

/** One month (1 to 12) of `year`: a title, the weekday names, then one line per week. */
export function monthCalendar(year: number, month: number): string {
  const mondayFirst = (utcDate(year, month - 1, 1).getUTCDay() + 6) % 7;
  const days = utcDate(year, month, 0).getUTCDate(); // Day 0 of the next month is the last of this one.
  const cells: string[] = new Array<string>(mondayFirst).fill('  ');
  for (let day = 1; day <= days; day++) cells.push(String(day).padStart(2));
  const weeks: string[] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7).join(' ').trimEnd());
  return [`${MONTH_NAMES[month - 1]} ${year}`, 'Mo Tu We Th Fr Sa Su', ...weeks].join('\n');
}

/** A UTC date; `setUTCFullYear` rather than `Date.UTC`, which maps years 0–99 to 1900–1999. */
function utcDate(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}
