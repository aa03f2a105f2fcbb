// `protocol …` and `review …` commands.
import { REVIEW_OUTCOMES, type ReviewOutcome } from '../model.js';
import { parseDate } from '../time.js';
import type { FormCommand } from '../command-forms.js';

export type ProtocolCommand =
  | { name: 'protocol add' }
  | { name: 'protocol list' }
  | { name: 'protocol show'; which: string }
  | { name: 'protocol edit'; which: string }
  | { name: 'protocol retire'; which: string }
  | { name: 'protocol reminders'; days: number[] }
  | { name: 'review start'; which: string; withTrends: boolean }
  | { name: 'review status'; which: string }
  | { name: 'review close'; which: string; outcome: ReviewOutcome; next?: string }
  | FormCommand;

export const PROTOCOL_USAGE = {
  'protocol add': ['protocol add', 'register a protocol or agreement in a private form (coordinators)'],
  'protocol list': ['protocol list', 'the register, overdue first, then by next review date'],
  'protocol show': ['protocol show <P-number|title>', 'one protocol with its history of reviews'],
  'protocol edit': ['protocol edit <P-number>', 'change a protocol (coordinators and its owner)'],
  'protocol retire': ['protocol retire <P-number>', 'retire it: no more reminders (coordinators and its owner)'],
  'protocol reminders': [
    'protocol reminders <days> [<days>…]',
    'days before a review date that reminders go out, e.g. `protocol reminders 30 7 1` (coordinators)',
  ],
  'review start': [
    'review start <P-number> [with trends]',
    "start a review: every member of the parties gets a short private review check, with the partnership's latest trust and commitment if asked (coordinators and the owner)",
  ],
  'review status': ['review status <P-number>', 'how many have answered the review — never who'],
  'review close': [
    `review close <P-number> <${REVIEW_OUTCOMES.join('|')}> [YYYY-MM-DD]`,
    'record the outcome; the next review date comes from the cycle unless given (coordinators and the owner)',
  ],
} as const satisfies Record<string, readonly [string, string]>;

type Usage = keyof typeof PROTOCOL_USAGE;
export type ProtocolParsed = { ok: true; command: ProtocolCommand } | { ok: false; error: string; usage: Usage };
const bad = (error: string, usage: Usage): ProtocolParsed => ({ ok: false, error, usage });
const listed = (verb: string) =>
  Object.keys(PROTOCOL_USAGE)
    .filter((k) => k.startsWith(`${verb} `))
    .map((k) => `\`${k}\``)
    .join(', ');

export function parseProtocol(verb: 'protocol' | 'review', rest: string[]): ProtocolParsed {
  const sub = rest[0]?.toLowerCase() ?? '';
  const which = rest.slice(1).join(' ');
  const key = `${verb} ${sub}` as Usage;
  if (verb === 'protocol') {
    if (sub === 'add' || sub === 'list')
      return rest.length === 1 ? { ok: true, command: { name: key as 'protocol add' } } : bad(`\`${key}\` takes no words after it.`, key);
    if (sub === 'show' || sub === 'edit' || sub === 'retire')
      return which ? { ok: true, command: { name: key as 'protocol show', which } } : bad('Say which protocol, e.g. P-2.', key);
    if (sub === 'reminders') {
      if (rest.length === 1) return { ok: true, command: { name: 'form', of: 'protocol reminders' } };
      const days = rest.slice(1).map(Number);
      if (days.length === 0 || days.length > 6 || days.some((d) => !Number.isInteger(d) || d < 1 || d > 365))
        return bad('Give one to six whole numbers of days from 1 to 365, e.g. 30 7 1.', 'protocol reminders');
      return { ok: true, command: { name: 'protocol reminders', days: [...new Set(days)].sort((a, b) => b - a) } };
    }
    return bad(`"${rest[0] ?? ''}" is not a protocol command: use ${listed('protocol')}.`, 'protocol list');
  }
  if (sub === 'start') {
    const withTrends = /\s+with trends$/i.test(which);
    const target = which.replace(/\s+with trends$/i, '');
    return target ? { ok: true, command: { name: 'review start', which: target, withTrends } } : bad('Say which protocol, e.g. P-2.', key);
  }
  if (sub === 'status') return which ? { ok: true, command: { name: 'review status', which } } : bad('Say which protocol, e.g. P-2.', key);
  if (sub === 'close') {
    const words = rest.slice(1);
    if (words.length === 0) return { ok: true, command: { name: 'form', of: 'review close' } };
    const dateWord = words.length > 2 && /^\d{4}-/.test(words.at(-1)!) ? words.pop() : undefined;
    const outcome = REVIEW_OUTCOMES.find((o) => o === words.at(-1)?.toLowerCase());
    if (!outcome || words.length < 2) return bad(`Say which protocol and the outcome: ${REVIEW_OUTCOMES.join(', ')}.`, 'review close');
    if (dateWord) {
      const d = parseDate(dateWord);
      if (!d.ok) return bad(d.error, 'review close');
      return { ok: true, command: { name: 'review close', which: words.slice(0, -1).join(' '), outcome, next: d.date } };
    }
    return { ok: true, command: { name: 'review close', which: words.slice(0, -1).join(' '), outcome } };
  }
  return bad(`"${rest[0] ?? ''}" is not a review command: use ${listed('review')}.`, 'review start');
}
