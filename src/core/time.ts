// Time as every feature needs it, in the partnership's own timezone: calendar
// dates (YYYY-MM-DD) as people write them, and instants on a local wall clock
// across daylight-saving changes.

export type ParsedDate = { ok: true; date: string } | { ok: false; error: string };

export function parseDate(text: string): ParsedDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return { ok: false, error: `"${text.slice(0, 30)}" is not a date; write it as YYYY-MM-DD, e.g. 2027-03-31.` };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return { ok: false, error: `${text.trim()} is not a real date.` };
  if (y < 2000 || y > 2100) return { ok: false, error: `${text.trim()} is too far away; use a year from 2000 to 2100.` };
  return { ok: true, date: text.trim() };
}

/** The day an instant falls on where the partnership is (YYYY-MM-DD): what formatDate takes. */
export const localDay = (at: string | number, tz: string): string => localToday(tz, new Date(at));

/** Today's date where the partnership is. */
export function localToday(tz: string, now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts; // en-CA formats as YYYY-MM-DD
}

const toUtc = (date: string) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const addDays = (date: string, days: number) => fromUtc(toUtc(date) + days * 86_400_000);
export const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / 86_400_000);

/** 31 August + 6 months = 28 (or 29) February: the month's last day when the day does not exist. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  return fromUtc(Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(d, last)));
}

/**
 * The one way Trellis writes a day: "31 Jan 2027" (and, with a time, "31 Jan
 * 2027, 09:00" — formatLocal). Every reply, reminder and page goes through these two.
 */
export function formatDate(date: string): string {
  return formatter('UTC', 'day', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(toUtc(date)));
}

/** A calendar day, numbered as people write it. */
export interface LocalDate {
  y: number;
  m: number; // 1–12
  d: number;
}

/** The wall-clock reading in `tz` at an instant (ms). */
export function localParts(at: number, tz: string) {
  const parts = formatter(tz, 'parts', {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour'), mm: get('minute'), ss: get('second') };
}

const offsetAt = (at: number, tz: string) => {
  const local = localParts(at, tz);
  return Date.UTC(local.y, local.m - 1, local.d, local.hh, local.mm, local.ss) - Math.floor(at / 1000) * 1000;
};

/** The instant a wall-clock time happens in `tz` (a time skipped by DST moves forward an hour). */
export function localToUtc({ y, m, d }: LocalDate, time: string, tz: string): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const first = guess - offsetAt(guess, tz);
  const second = guess - offsetAt(first, tz);
  return Math.max(first, second);
}

/** An instant as the partnership's clock reads it: "28 Nov 2026, 09:00". */
export function formatLocal(at: number | string, tz: string): string {
  // Every answer's thanks names the same closing time: formatting it once per round keeps the answer path short.
  const key = `${tz}\u0000${at}`;
  let text = formatted.get(key);
  if (text === undefined) {
    if (formatted.size >= 1_000) formatted.clear();
    formatted.set(
      key,
      (text = `${formatter(tz, 'day', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(at))}, ${formatter(tz, 'time', { hour: '2-digit', minute: '2-digit' }).format(new Date(at))}`),
    );
  }
  return text;
}
const formatted = new Map<string, string>();

// Building a formatter costs far more than using one, and every check-in message formats dates.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string, kind: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${kind}\u0000${tz}`;
  let cached = formatters.get(key);
  if (!cached) formatters.set(key, (cached = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', ...options })));
  return cached;
}

/** Every zone name this runtime knows, as IANA spells it. */
export const TIMEZONES: readonly string[] = Intl.supportedValuesOf('timeZone');
/** Names people write for UTC that the list above leaves out. */
const ZONE_ALIASES = ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT'];
const byLowerCase = new Map([...TIMEZONES, ...ZONE_ALIASES].map((z) => [z.toLowerCase(), z]));

/**
 * A zone name as IANA spells it (`europe/london` → `Europe/London`), or undefined
 * if it names no zone. Older names the runtime still accepts (`Asia/Calcutta`) are kept as typed.
 */
export function canonicalTimezone(name: string): string | undefined {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  const known = byLowerCase.get(name.toLowerCase());
  if (known) return known;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return name;
  } catch {
    return undefined;
  }
}

/** Whether the zone's clocks change in `year` (its offsets in January and July differ). */
export const hasDaylightSaving = (tz: string, year: number) => offsetAt(Date.UTC(year, 0, 15), tz) !== offsetAt(Date.UTC(year, 6, 15), tz);
