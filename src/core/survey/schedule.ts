// When scheduled rounds fall, in the partnership's own timezone, across
// daylight-saving changes. Pure: give it a schedule and an instant.
import { WEEKDAYS, type Schedule, type Weekday } from '../model.js';

const DAY = 86_400_000;

interface LocalDate {
  y: number;
  m: number; // 1–12
  d: number;
}

function localParts(at: number, tz: string) {
  const parts = formatter(tz, 'parts', { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour'), mm: get('minute'), ss: get('second') };
}

const offsetAt = (at: number, tz: string) => {
  const p = localParts(at, tz);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) - Math.floor(at / 1000) * 1000;
};

/** The instant a wall-clock time happens in `tz` (a time skipped by DST moves forward an hour). */
export function localToUtc({ y, m, d }: LocalDate, time: string, tz: string): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  return Math.max(first, second);
}

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

export function formatLocal(at: number | string, tz: string): string {
  // Every answer's thanks names the same closing time: formatting it once per round keeps the answer path short.
  const key = `${tz}\u0000${at}`;
  let text = formatted.get(key);
  if (text === undefined) {
    if (formatted.size >= 1_000) formatted.clear();
    formatted.set(key, (text = formatter(tz, 'local', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(at))));
  }
  return text;
}
const formatted = new Map<string, string>();

// Building a formatter costs far more than using one, and every check-in message formats dates.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${kind}\u0000${tz}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', ...options })));
  return f;
}
