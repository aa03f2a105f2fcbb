// `survey …` commands: parsed here, dispatched with the rest in grammar.ts.
import { CADENCES, WEEKDAYS, type Cadence, type Weekday } from '../model.js';
import { MAX_STATEMENT_LENGTH } from './bank.js';
import { parseDuration } from './duration.js';
import type { FormCommand } from '../command-forms.js';

export type SurveyCommand =
  | { name: 'survey schedule'; schedule: { cadence: Cadence; day: Weekday | number; time: string } | null }
  | { name: 'survey now'; kind: 'pulse' | 'healthcheck'; windowMinutes?: number }
  /** `round`: the number a confirmation button carries; without it, `survey close` asks first when too few have answered. */
  | { name: 'survey close'; round?: number }
  /** Without `round` it only asks: the confirmation button carries the number of the check-in it cancels. */
  | { name: 'survey cancel'; round?: number }
  | { name: 'survey status' }
  | FormCommand
  | { name: 'survey settings'; remindAfterMinutes?: number; windowMinutes?: number }
  | { name: 'survey question add'; factor: string; text: string };

export const SURVEY_USAGE = {
  'survey schedule': [
    `survey schedule <${CADENCES.join('|')}> <day> <HH:MM> | survey schedule off`,
    "regular check-ins in the partnership's timezone; monthly takes a weekday (its first in the month) or a day 1–28 (coordinators)",
  ],
  'survey now': ['survey now [for <duration>]', 'open a check-in now, e.g. `survey now for 48h` (coordinators)'],
  'survey healthcheck': ['survey healthcheck [for <duration>]', 'a full health check: every statement in the bank (coordinators)'],
  'survey close': ['survey close', 'end the open check-in now; asks first when fewer than the threshold have answered (coordinators)'],
  'survey cancel': ['survey cancel', 'discard a check-in opened by mistake, after asking: its answers are deleted and it counts nowhere (coordinators)'],
  'survey status': ['survey status', 'how many have answered so far — never who'],
  'survey settings': [
    'survey settings remind-after <duration> window <duration>',
    'when to remind those who have not answered, and how long a check-in stays open, e.g. 48h and 5d (coordinators)',
  ],
  'survey question add': ['survey question add <factor> <statement>', 'add your own statement to a factor, or a new factor of your own (coordinators)'],
} as const satisfies Record<string, readonly [string, string]>;

type Usage = keyof typeof SURVEY_USAGE;
export type SurveyParsed = { ok: true; command: SurveyCommand } | { ok: false; error: string; usage: Usage };

const bad = (error: string, usage: Usage): SurveyParsed => ({ ok: false, error, usage });
const ok = (command: SurveyCommand): SurveyParsed => ({ ok: true, command });

const listed = (keys: string[]) => keys.map((k) => `\`${k}\``).join(', ');
const weekday = (w: string) => WEEKDAYS.find((d) => d === w.toLowerCase() || d.slice(0, 3) === w.toLowerCase());

function parseFor(rest: string[], usage: Usage, kind: 'pulse' | 'healthcheck'): SurveyParsed {
  if (rest.length === 0) return ok({ name: 'survey now', kind });
  if (rest[0]?.toLowerCase() !== 'for' || rest.length !== 2) return bad('Say how long it stays open after `for`, e.g. `for 48h`.', usage);
  const d = parseDuration(rest[1]!);
  return d.ok ? ok({ name: 'survey now', kind, windowMinutes: d.minutes }) : bad(d.error, usage);
}

export function parseSurvey(rest: string[]): SurveyParsed {
  const sub = rest[0]?.toLowerCase();
  const args = rest.slice(1);
  switch (sub) {
    case 'schedule': {
      if (args.length === 0) return ok({ name: 'form', of: 'survey schedule' });
      if (args.length === 1 && args[0]!.toLowerCase() === 'off') return ok({ name: 'survey schedule', schedule: null });
      if (args.length !== 3) return bad('Give how often, the day and the time.', 'survey schedule');
      const cadence = CADENCES.find((c) => c === args[0]!.toLowerCase());
      if (!cadence) return bad(`"${args[0]}" is not how often; use ${CADENCES.join(', ')}.`, 'survey schedule');
      const n = Number(args[1]);
      const day = weekday(args[1]!) ?? (cadence === 'monthly' && Number.isInteger(n) && n >= 1 && n <= 28 ? n : undefined);
      if (day === undefined)
        return bad(
          `"${args[1]}" is not a day${cadence === 'monthly' ? ' (use a weekday, or a day of the month from 1 to 28)' : ' of the week'}.`,
          'survey schedule',
        );
      const time = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(args[2]!);
      if (!time) return bad(`"${args[2]}" is not a time; use 24-hour HH:MM, e.g. 09:30.`, 'survey schedule');
      return ok({ name: 'survey schedule', schedule: { cadence, day, time: `${time[1]!.padStart(2, '0')}:${time[2]}` } });
    }
    case 'now':
      return parseFor(args, 'survey now', 'pulse');
    case 'healthcheck':
      return parseFor(args, 'survey healthcheck', 'healthcheck');
    case 'close':
    case 'cancel': {
      // The number is what a confirmation button carries, so a late click never acts on a later check-in.
      const n = Number(args[0]?.replace(/^#/, ''));
      if (args.length === 0) return ok({ name: `survey ${sub}` });
      if (args.length === 1 && Number.isInteger(n) && n >= 1) return ok({ name: `survey ${sub}`, round: n });
      return bad(`\`survey ${sub}\` takes no words after it.`, `survey ${sub}`);
    }
    case 'status':
      return args.length ? bad(`\`survey ${sub}\` takes no words after it.`, `survey ${sub}`) : ok({ name: `survey ${sub}` });
    case 'settings': {
      if (args.length === 0 || args.length % 2 !== 0) return bad('Give one or both settings with a duration each.', 'survey settings');
      const out: { remindAfterMinutes?: number; windowMinutes?: number } = {};
      for (let i = 0; i < args.length; i += 2) {
        const key = args[i]!.toLowerCase();
        if (key !== 'remind-after' && key !== 'window') return bad(`"${args[i]}" is not a survey setting; use remind-after or window.`, 'survey settings');
        const d = parseDuration(args[i + 1]!);
        if (!d.ok) return bad(d.error, 'survey settings');
        if (key === 'window') out.windowMinutes = d.minutes;
        else out.remindAfterMinutes = d.minutes;
      }
      return ok({ name: 'survey settings', ...out });
    }
    case 'question': {
      if (args[0]?.toLowerCase() !== 'add') return bad('Use `survey question add <factor> <statement>`.', 'survey question add');
      const [factor, ...words] = args.slice(1);
      const text = words.join(' ');
      if (!factor || text.length < 10) return bad('Give the factor and a statement of at least 10 characters.', 'survey question add');
      if (text.length > MAX_STATEMENT_LENGTH)
        return bad(`The statement is too long (${text.length} characters; the limit is ${MAX_STATEMENT_LENGTH}).`, 'survey question add');
      if (!/^[A-Za-z][A-Za-z0-9-]{1,39}$/.test(factor))
        return bad(`"${factor}" is not a factor name: one word of letters, digits and dashes.`, 'survey question add');
      return ok({ name: 'survey question add', factor, text });
    }
    default:
      return bad(`"${rest[0] ?? ''}" is not a survey command: use ${listed(Object.keys(SURVEY_USAGE))}.`, 'survey now');
  }
}
