// `help`, `help <topic>`, `help <command>`: drawn from USAGE (the one source of
// syntax), with the topics and examples below as data.
import { USAGE, type UsageKey } from './grammar.js';
import { commandButton, failure, info, type Message } from './message.js';
import { RIGHTS_COMMANDS } from './privacy.js';
import { nearest } from './suggest.js';

interface Topic {
  title: string;
  /** Other words people type for it (`help survey`). */
  aliases: string[];
  about: string;
  /** Its commands in `help`'s short list: the command and a few words. */
  short: [UsageKey, string][];
  /** Every command it covers, in `help <topic>`. */
  commands: UsageKey[];
  buttons: [label: string, command: string][];
}

export const TOPICS = {
  checkins: {
    title: 'Check-ins',
    aliases: ['survey', 'surveys', 'check-ins', 'checkin', 'check-in', 'pulse'],
    about:
      'A check-in asks every member a few statements about how the partnership is working. Answers are anonymous: results appear only for groups at least as large as the threshold.',
    short: [
      ['survey schedule', 'regular check-ins'],
      ['survey now', 'open one now'],
      ['survey status', 'how many have answered, never who'],
    ],
    commands: ['survey schedule', 'survey now', 'survey healthcheck', 'survey status', 'survey close', 'survey settings', 'survey question add'],
    buttons: [['Survey status', 'survey status']],
  },
  trends: {
    title: 'Trends',
    aliases: ['trend', 'results', 'figures'],
    about: 'What the check-ins show over time: trust, commitment and the other factors, with how sure each change is.',
    short: [
      ['trends', 'trust and commitment over time'],
      ['dashboard', 'charts of every index (coordinators)'],
    ],
    commands: ['trends', 'trends by sector', 'trends settings', 'dashboard', 'export', 'dashboard revoke'],
    buttons: [['Trends', 'trends']],
  },
  protocols: {
    title: 'Protocols',
    aliases: ['protocol', 'reviews', 'agreements'],
    about: "The partnership's register of protocols and agreements, with reminders before each review and a short private review check for the parties.",
    short: [
      ['protocol list', 'the register'],
      ['protocol add', 'register one (coordinators)'],
      ['review start', 'ask the parties how one is working'],
    ],
    commands: [
      'protocol add',
      'protocol list',
      'protocol show',
      'protocol edit',
      'protocol retire',
      'protocol reminders',
      'review start',
      'review status',
      'review close',
    ],
    buttons: [['Protocol list', 'protocol list']],
  },
  concerns: {
    title: 'The critical friend',
    aliases: ['concern', 'critical friend', 'critical-friend', 'friend'],
    about:
      'A critical friend stands outside the partnership. Anyone can raise a tension with them in a private form; they never learn who raised it unless that person chooses to say.',
    short: [
      ['concern', 'raise a tension privately'],
      ['concerns', "the critical friend's conversations"],
    ],
    commands: ['concern', 'concerns'],
    buttons: [],
  },
  partnership: {
    title: 'The partnership',
    aliases: ['partners', 'members', 'organisations', 'organizations', 'settings', 'getting started', 'start'],
    about: 'Setting up a partnership, who is in it, and its settings.',
    short: [
      ['setup', 'start a partnership in this channel'],
      ['join', 'join one with its invite code'],
      ['members', 'who is in'],
      ['member add', 'someone on neither Slack nor Teams'],
    ],
    commands: ['setup', 'invite', 'join', 'org add', 'org list', 'members', 'member add', 'role', 'status', 'home', 'set', 'my data', 'partnership close'],
    buttons: [
      ['Status', 'status'],
      ['Members', 'members'],
      ['Organisations', 'org list'],
    ],
  },
} as const satisfies Record<string, Topic>;

export type TopicName = keyof typeof TOPICS;
const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

/** Commands as they are typed, each of which parses (a test holds them to the grammar). */
export const EXAMPLES: Partial<Record<UsageKey, string[]>> = {
  setup: ['setup Riverside Partnership'],
  join: ['join M28D-Q5Q9 Riverside Health Trust', 'join M28D-Q5Q9 independent'],
  'org add': ['org add Riverside Health Trust public'],
  role: ['role Sam Patel coordinator', 'role @Kim critical-friend'],
  'member add': ['member add jo@example.org City Council'],
  set: ['set timezone Europe/London', 'set threshold 5', 'set type coordinating', 'set retention concerns 6 months'],
  'survey schedule': ['survey schedule weekly monday 09:30', 'survey schedule monthly 1 10:00', 'survey schedule off'],
  'survey now': ['survey now', 'survey now for 48h'],
  'survey settings': ['survey settings remind-after 48h window 5d'],
  'survey question add': ['survey question add trust We follow through on what we agree'],
  trends: ['trends', 'trends trust'],
  'trends settings': ['trends settings notable 10 floor 50'],
  'protocol show': ['protocol show P-1'],
  'protocol reminders': ['protocol reminders 30 7 1'],
  'review start': ['review start P-1', 'review start P-1 with trends'],
  'review close': ['review close P-1 kept', 'review close P-1 revised 2027-06-30'],
  concerns: ['concerns', 'concerns themes quarter'],
};

const code = (s: string) => `\`${s}\``;
const line = (key: UsageKey) => `${USAGE[key][0]} — ${USAGE[key][1]}`;
/** A command's syntax and purpose, and its examples on the line below. */
const detail = (key: UsageKey) => `${line(key)}${EXAMPLES[key] ? `\ne.g. ${EXAMPLES[key].map(code).join(', ')}` : ''}`;
const topicOf = (word: string): TopicName | undefined => TOPIC_NAMES.find((t) => t === word || (TOPICS[t].aliases as readonly string[]).includes(word));

/** `privacyUrl`: where this Trellis serves its privacy notice (PUBLIC_URL + PRIVACY_PATH), linked from `help privacy`. */
export function help(topic: string | undefined, privacyUrl: string): Message {
  if (!topic) return overview();
  if (topic === PRIVACY_TOPIC) return privacyHelp(privacyUrl);
  const name = topicOf(topic);
  if (name) return topicHelp(name);
  const keys = (Object.keys(USAGE) as UsageKey[]).filter((k) => k === topic || k.startsWith(`${topic} `));
  if (keys.length) return info(keys.map(detail).join('\n'), { title: topic });
  const meant = nearest(topic, [...HELP_TOPICS, ...Object.keys(USAGE)])[0];
  return failure(
    `There is no help topic or command "${topic}".${meant ? ` Did you mean ${code(`help ${meant}`)}?` : ''} Topics: ${HELP_TOPICS.join(', ')}; or \`help\` for an overview.`,
    { buttons: [...(meant ? [commandButton(`help ${meant}`, `help ${meant}`, 'primary')] : []), ...topicButtons()].slice(0, 6) },
  );
}

/** Not a topic of commands but of how Trellis treats people's data: its text links the full notice. */
const PRIVACY_TOPIC = 'privacy';
const HELP_TOPICS = [...TOPIC_NAMES, PRIVACY_TOPIC];

function privacyHelp(privacyUrl: string): Message {
  return info(
    [
      'Answers and concerns go in private forms, never in chat. Nobody sees who answered what: coordinators see results only for groups of at least the threshold, how many took part, and themes the critical friend publishes. The critical friend reads concerns under a pseudonym and never learns who raised one. Answers are stored without your name, and concerns are encrypted.',
      ...RIGHTS_COMMANDS.map((r) => `${code(r.typed)} — ${r.what}`),
      `What this Trellis stores, where and for how long: ${privacyUrl}`,
    ].join('\n\n'),
    { title: 'Privacy' },
  );
}

const topicButtons = () => TOPIC_NAMES.map((t) => commandButton(TOPICS[t].title, `help ${t}`));

/** A command's syntax, or just its name where the syntax has alternatives (too long for the overview). */
const brief = (key: UsageKey) => (USAGE[key][0].includes('|') ? key : USAGE[key][0]);

function overview(): Message {
  const groups = TOPIC_NAMES.map((t) => [`*${TOPICS[t].title}*`, ...TOPICS[t].short.map(([k, what]) => `${code(brief(k))} — ${what}`)].join('\n'));
  return info(
    [
      'Trellis helps your partnership check in on how it is working. Type commands after `/trellis` in Slack, or to the bot in Teams.',
      ...groups,
      `More: \`help <topic>\` (${HELP_TOPICS.join(', ')}) or \`help <command>\`, e.g. \`help survey schedule\`.`,
    ].join('\n\n'),
    { title: 'Trellis commands', buttons: [...topicButtons(), commandButton('Status', 'status')] },
  );
}

function topicHelp(name: TopicName): Message {
  const t: Topic = TOPICS[name];
  // Lines of text, not a list: Teams cuts a list item at 300 characters, and a command with its examples runs longer.
  return info([t.about, ...t.commands.map(detail)].join('\n\n'), {
    title: t.title,
    buttons: t.buttons.map(([label, command]) => commandButton(label, command)),
  });
}
