// "Did you mean …?": the command someone most likely meant when what they typed
// does not parse — a misspelt verb, subcommand or keyword, or the right words in
// the wrong order. Only a suggestion that itself parses is ever offered.
import { CADENCES, PARTNERSHIP_TYPES, REVIEW_OUTCOMES, ROLES, SECTORS, WEEKDAYS } from './model.js';
import { canonicalTimezone, TIMEZONES } from './time.js';

/** What an invite code looks like (deps.ts makes them as XXXX-XXXX). */
export const INVITE_CODE_SHAPE = /^[A-Z0-9]{4}-[A-Z0-9]{4}$/i;

/** Edit distance with swapped neighbours counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** How far a word may be from the one meant: none for the shortest, where almost anything is one edit from something. */
const tolerance = (word: string) => (word.length <= 2 ? 0 : word.length === 3 ? 1 : 2);

/** The words of `list` close enough to `word`, nearest first (an exact match is not "near"). */
export function nearest(word: string, list: readonly string[]): string[] {
  const w = word.toLowerCase();
  return list
    .map((x) => ({ x, d: editDistance(w, x.toLowerCase()) }))
    .filter(({ d }) => d > 0 && d <= tolerance(w))
    .sort((a, b) => a.d - b.d)
    .map(({ x }) => x);
}

const is = (list: readonly string[], word: string | undefined) => word !== undefined && list.includes(word.toLowerCase());
/** A table's entry for a typed word: never one inherited from Object (`constructor`). */
const own = <T>(table: Record<string, T>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** Words people type for a listing: the command that shows it. */
const ALIASES: Record<string, string> = {
  protocols: 'protocol list',
  organisations: 'org list',
  organizations: 'org list',
  orgs: 'org list',
  member: 'members',
};

/** Words after a verb (or verb and subcommand) that name something, and where in the command they belong. */
type Place = 'last' | 'last-before-date';
const KEYWORDS: Record<string, { words: readonly string[]; place: Place }> = {
  'org add': { words: SECTORS, place: 'last' },
  role: { words: ROLES, place: 'last' },
  'review close': { words: REVIEW_OUTCOMES, place: 'last-before-date' },
  'set type': { words: PARTNERSHIP_TYPES, place: 'last' },
};
/** Extra second words that are not in USAGE's keys (settings are one usage line). */
const EXTRA_SUBS: Record<string, string[]> = { set: ['purpose', 'type', 'timezone', 'threshold', 'retention'], concerns: ['themes'] };
/** The subcommand people leave out, where what follows can only be meant for it. */
const LEFT_OUT: Record<string, string> = { org: 'add', member: 'add' };
/** Words that may appear anywhere after a command (each only spelt one way). */
const FIXED_WORDS: Record<string, readonly string[]> = {
  concerns: ['themes', 'publish', 'month', 'quarter'],
  'trends settings': ['notable', 'floor'],
  'survey settings': ['remind-after', 'window'],
  'trends by': ['sector'],
  'set retention': ['concerns', 'comments', 'invitations', 'months', 'days'],
};

export interface Grammar {
  /** Every command's key (USAGE's): its verb and subcommand words. */
  commands: readonly string[];
  parses: (text: string) => boolean;
}

/** The command most likely meant by `text` (which did not parse), if one parses; otherwise undefined. */
export function suggest(text: string, grammar: Grammar): string | undefined {
  const words = text.split(' ').filter(Boolean);
  if (words.length === 0) return undefined;
  const seen = new Set([text.toLowerCase()]);
  for (const candidate of candidates(words, grammar)) {
    const s = candidate.join(' ');
    if (seen.has(s.toLowerCase())) continue;
    seen.add(s.toLowerCase());
    if (grammar.parses(s)) return s;
  }
  return undefined;
}

function* candidates(words: string[], grammar: Grammar): Generator<string[]> {
  const [typed, ...rest] = words as [string, ...string[]];
  const verbs = [...new Set(grammar.commands.map((c) => c.split(' ')[0]!))];
  const verb = typed.toLowerCase();
  // A known verb is taken as meant; otherwise the verbs it is near (and a listing's other name, alone).
  const meant = is(verbs, verb) ? [verb] : nearest(verb, verbs);
  const alias = own(ALIASES, verb);
  if (alias && rest.length === 0) yield alias.split(' ');
  for (const v of meant) yield* afterVerb(v, rest, grammar);
}

function* afterVerb(verb: string, rest: string[], grammar: Grammar): Generator<string[]> {
  yield [verb, ...rest];
  const subs = [...new Set([...grammar.commands.filter((c) => c.startsWith(`${verb} `)).map((c) => c.split(' ')[1]!), ...(own(EXTRA_SUBS, verb) ?? [])])];
  const sub = rest[0];
  if (subs.length && sub !== undefined && !is(subs, sub)) {
    for (const s of nearest(sub, subs)) {
      yield [verb, s, ...rest.slice(1)];
      yield* args(verb, [s, ...rest.slice(1)]);
    }
    // A subcommand left out: `org Acme public` → `org add Acme public`.
    const left = own(LEFT_OUT, verb);
    if (left) yield [verb, left, ...rest];
  }
  yield* args(verb, rest);
}

/** Fix a keyword's spelling or its place, for the command `verb rest…`. */
function* args(verb: string, rest: string[]): Generator<string[]> {
  const sub = rest[0]?.toLowerCase();
  const key = sub && own(KEYWORDS, `${verb} ${sub}`) ? `${verb} ${sub}` : verb;
  const head = key === verb ? [verb] : [verb, rest[0]!];
  const tail = key === verb ? rest : rest.slice(1);
  const fixed = own(FIXED_WORDS, `${verb} ${sub}`) ?? own(FIXED_WORDS, verb);
  if (fixed) yield [...head, ...tail.map((w) => (is(fixed, w) ? w : (nearest(w, fixed)[0] ?? w)))];
  if (verb === 'join') yield* inviteCodeFirst(tail);
  if (verb === 'survey' && sub === 'schedule') yield* scheduleInOrder(rest.slice(1));
  if (verb === 'set' && sub === 'timezone') yield* zone(rest.slice(1).join(' '));
  const keywords = own(KEYWORDS, key);
  if (keywords) yield* keywordInPlace(head, tail, keywords.words, keywords.place);
}

function* keywordInPlace(head: string[], tail: string[], words: readonly string[], place: Place): Generator<string[]> {
  const dated = place === 'last-before-date' && tail.length > 1 && /^\d{4}-/.test(tail.at(-1)!);
  const body = dated ? tail.slice(0, -1) : tail;
  const date = dated ? [tail.at(-1)!] : [];
  const at = body.length - 1;
  const put = (i: number, word: string) => [...head, ...body.filter((_, j) => j !== i), word, ...date];
  // Misspelt where it belongs, then right but out of place, then both.
  const spelt = body[at] === undefined ? undefined : nearest(body[at]!, words)[0];
  if (spelt) yield put(at, spelt);
  for (const [i, w] of body.entries()) if (i !== at && is(words, w)) yield put(i, w.toLowerCase());
  for (const [i, w] of body.entries()) {
    const near = i === at ? undefined : nearest(w, words)[0];
    if (near) yield put(i, near);
  }
}

function* inviteCodeFirst(tail: string[]): Generator<string[]> {
  const i = tail.findIndex((w) => INVITE_CODE_SHAPE.test(w));
  if (i > 0) yield ['join', tail[i]!.toUpperCase(), ...tail.filter((_, j) => j !== i)];
}

/** `survey schedule` takes how often, the day and the time, in that order, each spelt as the grammar knows it. */
function* scheduleInOrder(tail: string[]): Generator<string[]> {
  if (tail.length !== 3) return;
  const cadence = tail.map((w) => (is(CADENCES, w) ? w.toLowerCase() : nearest(w, CADENCES)[0])).find(Boolean);
  const time = tail.find((w) => /^\d{1,2}[:.]\d{2}$/.test(w))?.replace('.', ':');
  const day = tail
    .map((w) => (is(WEEKDAYS, w) || /^\d{1,2}$/.test(w) ? w.toLowerCase() : nearest(w, WEEKDAYS)[0]))
    .find((w, i) => w && tail[i] !== cadence && w !== cadence);
  if (cadence && day && time) yield ['survey', 'schedule', cadence, day, time];
}

/** A zone by a near spelling (`Europe/Londn`) or by its city alone (`london`, `new york`). */
function* zone(value: string): Generator<string[]> {
  if (!value || canonicalTimezone(value)) return;
  const city = value.toLowerCase().replace(/ /g, '_');
  const byCity = TIMEZONES.find((z) => z.toLowerCase().split('/').at(-1) === city);
  if (byCity) yield ['set', 'timezone', byCity];
  const near = nearest(value, TIMEZONES)[0];
  if (near) yield ['set', 'timezone', near];
}
