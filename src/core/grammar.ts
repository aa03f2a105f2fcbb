// One command grammar for every platform: Slack's `/trellis <words>`, the words
// typed to the bot in Teams, and the playground's box all arrive here.
import { MAX_THRESHOLD, MIN_THRESHOLD, PARTNERSHIP_TYPES, ROLES, SECTORS } from './model.js';
import { canonicalTimezone } from './time.js';
import { INVITE_CODE_SHAPE, suggest } from './suggest.js';
import { badOrgName, INDEPENDENT, MAX_NAME_LENGTH, readRetention, RETENTION_USAGE, type PartnershipCommand } from './commands/partnership-grammar.js';
import { parseSurvey, SURVEY_USAGE, type SurveyCommand } from './survey/survey-grammar.js';
import { parseTrends, TRENDS_USAGE, type TrendsCommand } from './trends/trends-grammar.js';
import { parseProtocol, PROTOCOL_USAGE, type ProtocolCommand } from './protocols/protocol-grammar.js';
import type { FormCommand } from './command-forms.js';

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'menu' }
  | { name: 'my data' }
  | PartnershipCommand
  | SurveyCommand
  | TrendsCommand
  | ProtocolCommand
  | FormCommand
  | { name: 'concern' }
  | { name: 'concerns'; sub: 'list' | 'themes' | 'publish'; by: 'month' | 'quarter' };

/** A refusal may carry the command most likely meant (it parses), offered as "Did you mean …?". */
export type Parsed = { ok: true; command: Command } | { ok: false; error: string; usage?: string; suggestion?: string };

/** Kept beside the organisation names' checks (commands/partnership-grammar.ts), which features may import. */
export { MAX_NAME_LENGTH };
export const MAX_COMMAND_LENGTH = 1000;
export const MAX_PURPOSE_LENGTH = 300;

/** [syntax, what it does]: the single source for `help` and for the usage shown after an error. */
export const USAGE = {
  help: ['help [topic|command]', 'what Trellis can do: by topic (checkins, trends, protocols, concerns, partnership, privacy) or one command in detail'],
  menu: ['menu', 'what you can do now, as buttons, for each of your partnerships'],
  'my data': [
    'my data',
    'everything Trellis holds about you — memberships, invitations, your own answers and concerns — privately, with a link to download it',
  ],
  setup: ['setup <name>', 'create a partnership bound to this channel; you become its coordinator'],
  invite: ['invite', 'show the code others use to join'],
  home: ['home', "make this channel the partnership's home on this platform (coordinators)"],
  'org add': [`org add <name> <${SECTORS.join('|')}>`, `register an organisation (coordinators)`],
  'org list': ['org list', "the partnership's organisations"],
  'org rename': [
    'org rename <old name> to <new name>',
    'rename an organisation: its members and its past figures follow it (coordinators; `org rename` alone opens a form)',
  ],
  'org remove': ['org remove <name>', 'remove an organisation that nobody belongs to and no protocol names (coordinators)'],
  join: [
    'join <invite-code> <organisation>',
    'join a partnership from any platform (an independent person such as the critical friend writes `independent` instead of an organisation)',
  ],
  role: [
    `role <member> <${ROLES.join('|')}>`,
    `give a member a role; <member> is a mention or display name (coordinators). Nobody who has coordinated the partnership can become its critical friend, and every change of critical friend is announced in the home channel`,
  ],
  members: ['members', 'who is in the partnership, with organisation and role'],
  'member add': [
    'member add <email> <organisation>',
    'add someone on neither Slack nor Teams: they take part by email and personal web links (`independent` instead of an organisation for someone who belongs to none; coordinators)',
  ],
  'member remove': [
    'member remove <member>',
    'remove someone from the partnership, after asking: their name, ids and email are erased, their answers stay in the figures linked to no one, and they are told privately (coordinators)',
  ],
  leave: [
    'leave',
    'take yourself out of the partnership, after asking: your name, ids and email are erased, your open concern conversations closed, and your answers stay in the figures linked to no one',
  ],
  status: ['status', 'the partnership at a glance'],
  'partnership close': [
    'partnership close',
    'end the partnership, after asking: open check-ins close, a closing digest and a closing check-in go out, and after 12 months everything but the figures is erased (coordinators)',
  ],
  ...SURVEY_USAGE,
  ...TRENDS_USAGE,
  ...PROTOCOL_USAGE,
  concern: ['concern', 'raise a tension privately and anonymously with the critical friend, in a private form'],
  concerns: [
    'concerns | concerns themes [month|quarter] | concerns themes publish [month|quarter]',
    'open conversations, and themes by category (the critical friend only)',
  ],
  set: [
    `set purpose <text> | set type <${PARTNERSHIP_TYPES.join('|')}> | set timezone <Area/City> | set threshold <${MIN_THRESHOLD}–${MAX_THRESHOLD}> | ${RETENTION_USAGE}`,
    `change a setting (coordinators)`,
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type UsageKey = keyof typeof USAGE;

/**
 * Commands whose words and reply stay with the person who typed them, even in
 * a shared conversation: the critical-friend channel. A platform that echoes
 * typed text (the playground) shows these to their author alone.
 */
export const PRIVATE_COMMANDS = ['concern', 'concerns', 'my data'] as const satisfies readonly UsageKey[];

const bad = (error: string, usage?: UsageKey): Parsed => ({ ok: false, error, ...(usage ? { usage: USAGE[usage][0] } : {}) });
const ok = (command: Command): Parsed => ({ ok: true, command });
const oneOf = <T extends string>(list: readonly T[], word: string): T | undefined => list.find((x) => x === word.toLowerCase());

const MAX_SUGGESTED_LENGTH = 200;
/** Verbs that do nothing alone: typed alone, they list their commands. */
const NEEDS_MORE = ['survey', 'protocol', 'review', 'org', 'member', 'partnership'];

export function parseCommand(input: string): Parsed {
  const parsed = parseExactly(input);
  // A line this long is not a slip of the keyboard; and working out the nearest command costs more the longer it is.
  if (parsed.ok || input.length > MAX_SUGGESTED_LENGTH) return parsed;
  const suggestion = suggest(input.replace(/\s+/g, ' ').trim(), { commands: Object.keys(USAGE), parses: (text) => parseExactly(text).ok });
  return suggestion ? { ...parsed, suggestion } : parsed;
}

/** `verb`'s commands, for a reply to the verb alone or with a word it does not know. */
const commandsOf = (verb: string) =>
  (Object.keys(USAGE) as UsageKey[])
    .filter((k) => k.startsWith(`${verb} `))
    .map((k) => `\`${k}\``)
    .join(', ');

function parseExactly(input: string): Parsed {
  if (input.length > MAX_COMMAND_LENGTH) return bad(`That command is too long (${input.length} characters; the limit is ${MAX_COMMAND_LENGTH}).`);
  const text = input.replace(/\s+/g, ' ').trim();
  if (text === '') return ok({ name: 'help' });
  const words = text.split(' ');
  const verb = words[0]!.toLowerCase();
  const rest = words.slice(1);
  const tail = rest.join(' ');
  if (rest.length === 0 && NEEDS_MORE.includes(verb))
    return bad(`\`${verb}\` needs a word after it: ${commandsOf(verb)}. Type \`help ${verb}\` for what each does.`);

  switch (verb) {
    case 'help':
      return ok(tail ? { name: 'help', topic: tail.toLowerCase() } : { name: 'help' });
    case 'setup':
      if (!tail) return ok({ name: 'setup' });
      if (tail.length > MAX_NAME_LENGTH) return bad(`The name is too long (the limit is ${MAX_NAME_LENGTH} characters).`, 'setup');
      return ok({ name: 'setup', partnershipName: tail });
    case 'member':
      return parseMember(rest);
    case 'leave':
      if (rest.length === 0) return ok({ name: 'leave', confirmed: false });
      if (tail.toLowerCase() === 'confirm') return ok({ name: 'leave', confirmed: true });
      return bad('`leave` takes no words after it: it asks before anything is erased.', 'leave');
    case 'partnership': {
      const words = rest.map((w) => w.toLowerCase()).join(' ');
      if (words === 'close') return ok({ name: 'partnership close', confirmed: false });
      if (words === 'close confirm') return ok({ name: 'partnership close', confirmed: true });
      return bad('Type `partnership close`: it asks before anything changes.', 'partnership close');
    }
    case 'my':
      return tail.toLowerCase() === 'data' ? ok({ name: 'my data' }) : bad('Type `my data` to see everything Trellis holds about you.', 'my data');
    case 'menu':
    case 'invite':
    case 'members':
    case 'status':
    case 'home':
      if (rest.length) return bad(`\`${verb}\` takes no words after it.`, verb);
      return ok({ name: verb });
    case 'org':
      return parseOrg(rest);
    case 'join': {
      const [code, ...org] = rest;
      if (!code) return ok({ name: 'join' });
      if (!INVITE_CODE_SHAPE.test(code) && org.some((w) => INVITE_CODE_SHAPE.test(w)))
        return bad('The invite code comes first, then your organisation.', 'join');
      const orgName = org.join(' ');
      if (!orgName) return bad('Name your organisation after the code (or `independent` if you belong to none, e.g. as the critical friend).', 'join');
      const independent = orgName.toLowerCase() === INDEPENDENT;
      return ok(independent ? { name: 'join', code: code.toUpperCase() } : { name: 'join', code: code.toUpperCase(), orgName });
    }
    case 'role': {
      if (rest.length === 0) return ok({ name: 'form', of: 'role' });
      if (rest.length < 2) return bad('Name the member and the role.', 'role');
      const role = oneOf(ROLES, rest[rest.length - 1]!);
      if (!role) return bad(`"${rest[rest.length - 1]}" is not a role. Roles: ${ROLES.join(', ')}.`, 'role');
      return ok({ name: 'role', who: rest.slice(0, -1).join(' '), role });
    }
    case 'set':
      return parseSet(rest);
    case 'trends':
    case 'export':
    case 'dashboard': {
      const parsed = parseTrends(verb, rest);
      return parsed.ok ? ok(parsed.command) : bad(parsed.error, parsed.usage);
    }
    case 'concern':
      // The text goes in the private form, never in a chat message.
      return rest.length
        ? bad(
            'Type just `concern`: what it is about goes in the private form that opens, not in a chat message (workspace owners can export messages).',
            'concern',
          )
        : ok({ name: 'concern' });
    case 'concerns': {
      const words = rest.map((w) => w.toLowerCase());
      if (words.length === 0) return ok({ name: 'concerns', sub: 'list', by: 'month' });
      const by = words.at(-1) === 'quarter' ? 'quarter' : 'month';
      const core = words.filter((w) => w !== 'month' && w !== 'quarter').join(' ');
      if (core === 'themes') return ok({ name: 'concerns', sub: 'themes', by });
      if (core === 'themes publish') return ok({ name: 'concerns', sub: 'publish', by });
      return bad(`"${rest.join(' ')}" is not something \`concerns\` does: use \`concerns\`, \`concerns themes\` or \`concerns themes publish\`.`, 'concerns');
    }
    case 'protocol':
    case 'review': {
      const parsed = parseProtocol(verb, rest);
      return parsed.ok ? ok(parsed.command) : bad(parsed.error, parsed.usage);
    }
    case 'survey': {
      const parsed = parseSurvey(rest);
      return parsed.ok ? ok(parsed.command) : bad(parsed.error, parsed.usage);
    }
    default:
      return bad(`I don't know the command "${words[0]}". Type \`help\` to see what I can do.`);
  }
}

function parseOrg(rest: string[]): Parsed {
  const sub = rest[0]?.toLowerCase();
  if (sub === 'list') return rest.length === 1 ? ok({ name: 'org list' }) : bad('`org list` takes no words after it.', 'org list');
  if (sub === 'rename') return parseOrgRename(rest.slice(1));
  if (sub === 'remove') {
    const orgName = rest.slice(1).join(' ');
    return orgName ? ok({ name: 'org remove', orgName }) : bad('Name the organisation to remove.', 'org remove');
  }
  if (sub !== 'add') return bad(`"${rest[0]}" is not something \`org\` does: use ${commandsOf('org')}.`, 'org add');
  if (rest.length === 1) return ok({ name: 'form', of: 'org add' });
  if (rest.length < 3) return bad("Give the organisation's name and its sector.", 'org add');
  const sectorWord = rest[rest.length - 1]!;
  const sector = oneOf(SECTORS, sectorWord);
  if (!sector) return bad(`"${sectorWord}" is not a sector. Sectors: ${SECTORS.join(', ')}.`, 'org add');
  const orgName = rest.slice(1, -1).join(' ');
  const wrong = badOrgName(orgName);
  if (wrong) return bad(wrong, 'org add');
  return ok({ name: 'org add', orgName, sector });
}

// "Friends to Us to Friends of Us" splits two ways: which old name is real only the partnership knows.
function parseOrgRename(words: string[]): Parsed {
  if (words.length === 0) return ok({ name: 'org rename', splits: [] });
  const splits = words.flatMap((w, i) =>
    w.toLowerCase() === 'to' && i > 0 && i < words.length - 1 ? [{ from: words.slice(0, i).join(' '), to: words.slice(i + 1).join(' ') }] : [],
  );
  if (splits.length === 0) return bad('Write `to` between the old name and the new one, e.g. `org rename City Council to Riverside Council`.', 'org rename');
  return ok({ name: 'org rename', splits });
}

function parseMember(rest: string[]): Parsed {
  if (rest[0]?.toLowerCase() === 'remove') {
    const who = rest.slice(1);
    const confirmed = who.length > 1 && who.at(-1)!.toLowerCase() === 'confirm';
    if (who.length === 0) return bad('Name the member to remove: a mention or their display name.', 'member remove');
    return ok({ name: 'member remove', who: (confirmed ? who.slice(0, -1) : who).join(' '), confirmed });
  }
  if (rest[0]?.toLowerCase() !== 'add') return bad('Use `member add` or `member remove` (or `members` to see who is in).', 'member add');
  const [, address, ...org] = rest;
  if (!address) return bad("Give the person's email address and their organisation.", 'member add');
  const orgName = org.join(' ');
  if (!orgName) return bad('Name their organisation after the address (or `independent` if they belong to none).', 'member add');
  if (orgName.length > MAX_NAME_LENGTH) return bad(`The name is too long (the limit is ${MAX_NAME_LENGTH} characters).`, 'member add');
  return ok(orgName.toLowerCase() === INDEPENDENT ? { name: 'member add', address } : { name: 'member add', address, orgName });
}

/** What each setting takes, for `set <setting>` typed without a value. */
const SETTING_VALUES: Record<string, string> = {
  purpose: 'a sentence on what the partnership is for',
  type: PARTNERSHIP_TYPES.join(', '),
  timezone: 'an Area/City name like Europe/London, or UTC',
  threshold: `a whole number from ${MIN_THRESHOLD} to ${MAX_THRESHOLD}`,
  retention: `how long to keep text, as \`${RETENTION_USAGE}\``,
};

function parseSet(rest: string[]): Parsed {
  if (rest.length === 0) return ok({ name: 'form', of: 'set' });
  const setting = rest[0]?.toLowerCase();
  const value = rest.slice(1).join(' ');
  if (!value) {
    const wanted = setting && Object.hasOwn(SETTING_VALUES, setting) ? SETTING_VALUES[setting] : undefined;
    return bad(
      wanted
        ? `Give the new ${setting} after \`set ${setting}\`: ${wanted}.`
        : `Name a setting and its new value. Settings: ${Object.keys(SETTING_VALUES).join(', ')}.`,
      'set',
    );
  }
  switch (setting) {
    case 'purpose':
      if (value.length > MAX_PURPOSE_LENGTH) return bad(`The purpose is too long (the limit is ${MAX_PURPOSE_LENGTH} characters).`, 'set');
      return ok({ name: 'set', setting, value });
    case 'type': {
      const type = oneOf(PARTNERSHIP_TYPES, value);
      return type ? ok({ name: 'set', setting, value: type }) : bad(`"${value}" is not a partnership type. Types: ${PARTNERSHIP_TYPES.join(', ')}.`, 'set');
    }
    case 'timezone': {
      const zone = canonicalTimezone(value);
      return zone
        ? ok({ name: 'set', setting, value: zone })
        : bad(`"${value}" is not a timezone I know. Use an Area/City name like Europe/London, or UTC.`, 'set');
    }
    case 'threshold': {
      const n = Number(value);
      if (!Number.isInteger(n))
        return bad(`The threshold is a number of people: a whole number from ${MIN_THRESHOLD} to ${MAX_THRESHOLD} (got "${value}").`, 'set');
      if (n < MIN_THRESHOLD)
        return bad(
          `The threshold cannot be below ${MIN_THRESHOLD}: in a group of two, each person knows their own answer and so could work out the other's.`,
          'set',
        );
      if (n > MAX_THRESHOLD) return bad(`The threshold can be at most ${MAX_THRESHOLD}: higher, almost no partnership would ever see a result.`, 'set');
      return ok({ name: 'set', setting, value: n });
    }
    case 'retention': {
      const read = readRetention(rest.slice(1));
      return read.ok ? ok({ name: 'set', setting, which: read.which, value: read.value }) : bad(read.error, 'set');
    }
    default:
      return bad(`"${rest[0] ?? ''}" is not a setting. Settings: ${Object.keys(SETTING_VALUES).join(', ')}.`, 'set');
  }
}
