// One command grammar for every platform: Slack's `/trellis <words>`, the words
// typed to the bot in Teams, and the playground's box all arrive here.
import { MIN_THRESHOLD, PARTNERSHIP_TYPES, ROLES, SECTORS } from './model.js';
import type { PartnershipCommand } from './commands/partnership-grammar.js';
import { parseSurvey, SURVEY_USAGE, type SurveyCommand } from './survey/survey-grammar.js';
import { parseTrends, TRENDS_USAGE, type TrendsCommand } from './trends/trends-grammar.js';
import { parseProtocol, PROTOCOL_USAGE, type ProtocolCommand } from './protocols/protocol-grammar.js';

export type Command =
  | { name: 'help'; topic?: string }
  | { name: 'menu' }
  | PartnershipCommand
  | SurveyCommand
  | TrendsCommand
  | ProtocolCommand
  | { name: 'concern' }
  | { name: 'concerns'; sub: 'list' | 'themes' | 'publish'; by: 'month' | 'quarter' };

export type Parsed = { ok: true; command: Command } | { ok: false; error: string; usage?: string };

/** Written instead of an organisation by someone who belongs to none. */
export const INDEPENDENT = 'independent';
export const MAX_COMMAND_LENGTH = 1000;
export const MAX_NAME_LENGTH = 80;
export const MAX_PURPOSE_LENGTH = 300;

/** [syntax, what it does]: the single source for `help` and for the usage shown after an error. */
export const USAGE = {
  help: ['help [command]', 'what Trellis can do'],
  menu: ['menu', 'what you can do now, as buttons, for each of your partnerships'],
  setup: ['setup <name>', 'create a partnership bound to this channel; you become its coordinator'],
  invite: ['invite', 'show the code others use to join'],
  home: ['home', "make this channel the partnership's home on this platform (coordinators)"],
  'org add': [`org add <name> <${SECTORS.join('|')}>`, `register an organisation (coordinators)`],
  'org list': ['org list', "the partnership's organisations"],
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
  status: ['status', 'the partnership at a glance'],
  ...SURVEY_USAGE,
  ...TRENDS_USAGE,
  ...PROTOCOL_USAGE,
  concern: ['concern', 'raise a tension privately and anonymously with the critical friend, in a private form'],
  concerns: [
    'concerns | concerns themes [month|quarter] | concerns themes publish [month|quarter]',
    'open conversations, and themes by category (the critical friend only)',
  ],
  set: [
    `set purpose <text> | set type <${PARTNERSHIP_TYPES.join('|')}> | set timezone <Area/City> | set threshold <3 or more>`,
    `change a setting (coordinators)`,
  ],
} as const satisfies Record<string, readonly [string, string]>;

export type UsageKey = keyof typeof USAGE;

/**
 * Commands whose words and reply stay with the person who typed them, even in
 * a shared conversation: the critical-friend channel. A platform that echoes
 * typed text (the playground) shows these to their author alone.
 */
export const PRIVATE_COMMANDS = ['concern', 'concerns'] as const satisfies readonly UsageKey[];

const bad = (error: string, usage?: UsageKey): Parsed => ({ ok: false, error, ...(usage ? { usage: USAGE[usage][0] } : {}) });
const ok = (command: Command): Parsed => ({ ok: true, command });
const oneOf = <T extends string>(list: readonly T[], word: string): T | undefined => list.find((x) => x === word.toLowerCase());

export function parseCommand(input: string): Parsed {
  if (input.length > MAX_COMMAND_LENGTH) return bad(`That command is too long (${input.length} characters; the limit is ${MAX_COMMAND_LENGTH}).`);
  const text = input.replace(/\s+/g, ' ').trim();
  if (text === '') return ok({ name: 'help' });
  const words = text.split(' ');
  const verb = words[0]!.toLowerCase();
  const rest = words.slice(1);
  const tail = rest.join(' ');

  switch (verb) {
    case 'help':
      return ok(tail ? { name: 'help', topic: tail.toLowerCase() } : { name: 'help' });
    case 'setup':
      if (!tail) return bad('Give the partnership a name.', 'setup');
      if (tail.length > MAX_NAME_LENGTH) return bad(`The name is too long (the limit is ${MAX_NAME_LENGTH} characters).`, 'setup');
      return ok({ name: 'setup', partnershipName: tail });
    case 'member':
      return parseMember(rest);
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
      if (!code) return bad('Give the invite code (a coordinator can show it with `invite`).', 'join');
      const orgName = org.join(' ');
      if (!orgName) return bad('Name your organisation after the code (or `independent` if you belong to none, e.g. as the critical friend).', 'join');
      const independent = orgName.toLowerCase() === INDEPENDENT;
      return ok(independent ? { name: 'join', code: code.toUpperCase() } : { name: 'join', code: code.toUpperCase(), orgName });
    }
    case 'role': {
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
      return bad(`"concerns ${rest.join(' ')}" is not a concerns command.`, 'concerns');
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
  if (sub !== 'add') return bad('Use `org add` or `org list`.', 'org add');
  if (rest.length < 3) return bad("Give the organisation's name and its sector.", 'org add');
  const sectorWord = rest[rest.length - 1]!;
  const sector = oneOf(SECTORS, sectorWord);
  if (!sector) return bad(`"${sectorWord}" is not a sector. Sectors: ${SECTORS.join(', ')}.`, 'org add');
  const orgName = rest.slice(1, -1).join(' ');
  if (orgName.toLowerCase() === INDEPENDENT)
    return bad(`"${INDEPENDENT}" is reserved for people who belong to no organisation; choose another name.`, 'org add');
  if (orgName.length > MAX_NAME_LENGTH) return bad(`The name is too long (the limit is ${MAX_NAME_LENGTH} characters).`, 'org add');
  return ok({ name: 'org add', orgName, sector });
}

function parseMember(rest: string[]): Parsed {
  if (rest[0]?.toLowerCase() !== 'add') return bad('Use `member add` (or `members` to see who is in).', 'member add');
  const [, address, ...org] = rest;
  if (!address) return bad("Give the person's email address and their organisation.", 'member add');
  const orgName = org.join(' ');
  if (!orgName) return bad('Name their organisation after the address (or `independent` if they belong to none).', 'member add');
  if (orgName.length > MAX_NAME_LENGTH) return bad(`The name is too long (the limit is ${MAX_NAME_LENGTH} characters).`, 'member add');
  return ok(orgName.toLowerCase() === INDEPENDENT ? { name: 'member add', address } : { name: 'member add', address, orgName });
}

function parseSet(rest: string[]): Parsed {
  const setting = rest[0]?.toLowerCase();
  const value = rest.slice(1).join(' ');
  if (!value) return bad('Name the setting and its new value.', 'set');
  switch (setting) {
    case 'purpose':
      if (value.length > MAX_PURPOSE_LENGTH) return bad(`The purpose is too long (the limit is ${MAX_PURPOSE_LENGTH} characters).`, 'set');
      return ok({ name: 'set', setting, value });
    case 'type': {
      const type = oneOf(PARTNERSHIP_TYPES, value);
      return type ? ok({ name: 'set', setting, value: type }) : bad(`"${value}" is not a partnership type. Types: ${PARTNERSHIP_TYPES.join(', ')}.`, 'set');
    }
    case 'timezone':
      return isTimezone(value) ? ok({ name: 'set', setting, value }) : bad(`"${value}" is not a timezone I know. Use a name like Europe/London.`, 'set');
    case 'threshold': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < MIN_THRESHOLD || n > 50)
        return bad(
          `The threshold must be a whole number from ${MIN_THRESHOLD} to 50 (got "${value}"); fewer than ${MIN_THRESHOLD} respondents could be identified.`,
          'set',
        );
      return ok({ name: 'set', setting, value: n });
    }
    default:
      return bad(`"${rest[0] ?? ''}" is not a setting. Settings: purpose, type, timezone, threshold.`, 'set');
  }
}

export function isTimezone(name: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
