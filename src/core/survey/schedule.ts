// When scheduled rounds fall, in the partnership's own timezone, across
// daylight-saving changes. Pure: give it a schedule and an instant.
import { WEEKDAYS, type Schedule, type Weekday } from '../model.js';
import { localParts, localToUtc, type LocalDate } from '../time.js';

const DAY = 86_400_000;

const addDays = ({ y, m, d }: LocalDate, n: number): LocalDate => {
  const t = new Date(Date.UTC(y, m - 1, d) + n * DAY);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
};
const weekdayOf = ({ y, m, d }: LocalDate): Weekday => WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
const dayNumber = ({ y, m, d }: LocalDate) => Math.round(Date.UTC(y, m - 1, d) / DAY);
const localDate = (at: number, tz: string): LocalDate => {
  const { y, m, d } = localParts(at, tz);
  return { y, m, d };
};

function lastWeekly(day: Weekday, time: string, tz: string, now: number): { at: number; date: LocalDate } {
  const today = localDate(now, tz);
  for (let i = 0; ; i++) {
    const date = addDays(today, -i);
    if (weekdayOf(date) !== day) continue;
    const at = localToUtc(date, time, tz);
    if (at <= now) return { at, date };
  }
}

function monthlyDate(y: number, m: number, day: Schedule['day']): LocalDate {
  if (typeof day === 'number') return { y, m, d: day };
  let date = { y, m, d: 1 };
  while (weekdayOf(date) !== day) date = addDays(date, 1);
  return date;
}

/** The latest slot at or before `now` (ms), or undefined if none since the schedule was set. */
export function lastSlot(s: Schedule, tz: string, now: number): number | undefined {
  let at: number;
  if (s.cadence === 'monthly') {
    const { y, m } = localDate(now, tz);
    at = localToUtc(monthlyDate(y, m, s.day), s.time, tz);
    if (at > now) at = localToUtc(m === 1 ? monthlyDate(y - 1, 12, s.day) : monthlyDate(y, m - 1, s.day), s.time, tz);
  } else {
    const weekly = lastWeekly(s.day as Weekday, s.time, tz, now);
    at = weekly.at;
    if (s.cadence === 'fortnightly') {
      // Fortnights count from the first weekly slot on or after the schedule was set.
      const since = Date.parse(s.since);
      const anchor = lastWeekly(s.day as Weekday, s.time, tz, since + 7 * DAY);
      const first = anchor.at - 7 * DAY >= since ? addDays(anchor.date, -7) : anchor.date;
      if ((dayNumber(weekly.date) - dayNumber(first)) % 14 !== 0) at = localToUtc(addDays(weekly.date, -7), s.time, tz);
    }
  }
  return at >= Date.parse(s.since) ? at : undefined;
}

/** The first slot after `now`, for telling people when the next check-in is. */
export function nextSlot(s: Schedule, tz: string, now: number): number {
  for (let i = 1; ; i++) {
    const at = lastSlot(s, tz, now + i * DAY);
    if (at !== undefined && at > now) return at;
  }
}
