// The privacy notice and terms of use the Teams app manifest links to
// (developer.privacyUrl and termsOfUseUrl, required by Teams): served by
// Trellis itself at PUBLIC_URL/privacy and /terms, so an install never points
// at someone else's page. No script, the dashboard's security headers. The
// privacy notice is written from the running settings, so it says what this
// install actually does (which store, which platforms, email, the concern
// delay) rather than what some install might.
import type { Express } from 'express';
import { MIN_THRESHOLD, DEFAULT_THRESHOLD, DEFAULT_RETENTION } from '../core/model.js';
import { PRIVACY_PATH, RIGHTS_COMMANDS } from '../core/privacy.js';
import { SECURITY_HEADERS } from './dashboard-routes.js';
import { esc, page } from './html.js';

export { PRIVACY_PATH };
export const TERMS_PATH = '/terms';

/** What the privacy notice depends on, from the configuration at start-up. */
export interface PrivacySettings {
  /** StoreKind (src/store/open-store.ts): lowdb is the data file. */
  store: 'lowdb' | 'memory' | 'postgres';
  slack: boolean;
  teams: boolean;
  /** The local playground: whoever reaches it can act as anyone (it listens on this machine only). */
  playground: boolean;
  /** Email for people on neither platform (SMTP_URL set). */
  email: boolean;
  concernDelayMaxSeconds: number;
  concernsPerDay: number;
  /** How long a delivered message stays in the outbox (src/delivery/dispatcher.ts). */
  outboxKeepDays: number;
  /** TRELLIS_UNINSTALL_GRACE_DAYS: how long after an uninstall its people are erased (core/uninstall-grace.ts). */
  uninstallGraceDays: number;
}

const frame = (title: string, sections: string) =>
  page(
    `Trellis: ${title}`,
    `<header class="top"><div class="wrap"><div class="brand">Trellis</div><h1>${title}</h1></div></header>
<main class="wrap">
${sections}
</main>
<footer>This Trellis is run by the organisation that installed it in your workspace or tenant; ask them about anything here.</footer>`,
  );

const card = (heading: string, ...paragraphs: string[]) =>
  `<section class="card"><h2>${heading}</h2>${paragraphs.map((p) => (p.startsWith('<ul>') ? p : `<p>${p}</p>`)).join('\n')}</section>`;

const list = (items: string[]) => `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;

const and = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

/** "10 minutes", "90 seconds", "1 hour". */
function duration(seconds: number): string {
  const [n, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** Where people talk to Trellis, and so whose servers also carry their messages. */
function surfaces(s: PrivacySettings): string[] {
  return [
    ...(s.slack ? ['Slack: messages and forms pass through Slack, under your workspace’s own terms and retention'] : []),
    ...(s.teams ? ['Microsoft Teams: messages and forms pass through Microsoft, under your tenant’s own terms and retention'] : []),
    ...(s.email
      ? [
          'email, for people on neither platform: Trellis keeps their address sealed (encrypted) and sends mail through the organisation’s mail server; the forms open as private web pages on this site',
        ]
      : []),
    ...(s.playground ? ['the local playground, a demonstration on this computer only, with made-up people'] : []),
  ];
}

function concernTiming(s: PrivacySettings): string {
  const delay =
    s.concernDelayMaxSeconds > 0
      ? `A concern reaches the critical friend after a random delay of up to ${duration(s.concernDelayMaxSeconds)}, so the moment it arrives does not point to who was online.`
      : 'A concern reaches the critical friend straight away: this install does not hold concerns back for a while first.';
  return `${delay} One person can raise at most ${s.concernsPerDay} concern${s.concernsPerDay === 1 ? '' : 's'} a day.`;
}

/** What an uninstall does to the people it leaves unreachable, on the platforms this install serves (none: no such card). */
function uninstall(s: PrivacySettings): string | undefined {
  const how = [...(s.slack ? ['a Slack workspace removes Trellis'] : []), ...(s.teams ? ['you remove Trellis from your own chat in Microsoft Teams'] : [])];
  if (how.length === 0) return undefined;
  const undo = s.teams ? 'adding Trellis back (or, in Teams, writing to it again)' : 'adding Trellis back';
  return card(
    'When Trellis is removed',
    `If ${how.join(', or ')}, Trellis can no longer reach the people there. It waits ${s.uninstallGraceDays} days, so that a mistaken removal can be undone by ${undo}. After that, each person reached only that way is erased from every partnership as if they had left: their name, platform ids and conversations go, and any concern conversation they have open is closed. Their past answers stay in the figures, linked to no one. Coordinators are told how many people were removed, never who.`,
  );
}

/** What is dropped on a timer: the defaults, which each partnership's coordinators may change, and the outbox's period, which is the install's. */
function retention(s: PrivacySettings): string[] {
  const d = DEFAULT_RETENTION;
  return [
    `What people wrote is erased on a timer, while the figures (indices, counts, review outcomes, the themes’ counts) are kept: the text of a concern and its replies ${d.concernMonths} months after the conversation is resolved or closed; check-in and review comments ${d.commentMonths} months after the check-in or review closed (its digest went out then); and ${d.invitationDays} days after a check-in closes, the record of who was invited is dropped and only its counts and unlinkable answer sets are kept.`,
    `These are the defaults: each partnership’s coordinators may change them with <code>set retention</code>, and <code>status</code> shows a partnership’s.`,
    `Messages Trellis has delivered leave its outbox after ${s.outboxKeepDays} days, for every partnership.`,
    'Everything else (members, organisations, settings, the protocol register, answers) is kept until it is removed.',
  ];
}

/** The privacy notice for these settings: the README's privacy model, and what this install stores, where and for how long. */
export function privacyPage(s: PrivacySettings): string {
  const where = {
    postgres: 'This Trellis keeps its data in a PostgreSQL database run by the organisation that installed it.',
    lowdb: 'This Trellis keeps its data in a single data file on the server that runs it, run by the organisation that installed it.',
    memory: 'This Trellis keeps its data only in its server’s memory: all of it is gone when the server stops.',
  }[s.store];
  const on = surfaces(s);
  return frame(
    'Privacy',
    [
      card(
        'Why it is built this way',
        'Trellis exists so that people in a partnership can be honest about how it is going. Answers to check-ins and reviews, and concerns raised with the critical friend, are collected in private forms, never in chat messages, because workspace and tenant owners can export chat history. Chat messages only ever say content-free things such as “Answered”.',
      ),
      card('Where you use Trellis', on.length ? `This Trellis is reached through ${and(on)}.` : 'This Trellis is not connected to any chat platform yet.'),
      card('Members', 'You see your own answers and partnership-wide results. You never see anyone else’s answers.'),
      card(
        'Coordinators',
        `Coordinators see results only for groups of at least the partnership’s threshold (${DEFAULT_THRESHOLD} people by default, never fewer than ${MIN_THRESHOLD}), how many took part, the protocol register and the themes the critical friend chooses to publish. They never see individual answers, who answered what, any concern, or who raised one. The threshold promised when people answered keeps applying to those answers, even if it is lowered later.`,
      ),
      card(
        'The critical friend',
        'The critical friend reads concerns and replies under a pseudonym made for each concern, never learning who raised it, and only concerns raised while they hold the role. Nobody who has coordinated the partnership can become its critical friend, and every change of critical friend is announced.',
        concernTiming(s),
      ),
      card(
        'Whoever holds the data or the logs',
        'Answers are stored without your name or platform id and without the time you answered, under a key that cannot be linked to you without the server’s secret. Concern text and replies are encrypted. Logs carry codes and events, never tokens, secrets or what anyone wrote. An organisation with a single member who answered is recognisable by its organisation in the stored data, which is why results never show groups under the threshold.',
      ),
      card(
        'What is kept, where, and for how long',
        where,
        'Trellis keeps the partnership’s settings, members (display name, organisation and role, and the platform id or sealed email address Trellis reaches them by), organisations, the protocol register, answer sets, and concerns.',
        ...retention(s),
        `When a coordinator closes a partnership (<code>partnership close</code>), its figures stay readable for ${DEFAULT_RETENTION.closedMonths} months (unless its coordinators set another period); then its members’ names, ids and email addresses, its concerns, every free-text answer and who was asked are erased, and only the figures, organisations and protocols remain.`,
      ),
      ...(uninstall(s) ? [uninstall(s)!] : []),
      card(
        'Your rights',
        'Type these to Trellis (after <code>/trellis</code> in Slack, or to the bot in Teams):',
        list(RIGHTS_COMMANDS.map((r) => `<code>${esc(r.typed)}</code>: ${esc(r.what)}`)),
        'To see, correct or delete anything else Trellis holds about you, ask the organisation that runs this Trellis.',
        `The <a href="${TERMS_PATH}">terms of use</a> say what you agree to when you use Trellis.`,
      ),
    ].join('\n'),
  );
}

export const TERMS_PAGE = frame(
  'Terms of use',
  [
    card(
      'Using Trellis',
      'Trellis is provided by the organisation that installed it, for running the partnerships it supports. Use it to check in on how your partnership is working, keep its register of protocols and raise tensions with its critical friend.',
    ),
    card(
      'What you agree to',
      'Answer honestly and only for yourself. Do not try to find out who gave an answer or raised a concern, and do not share links Trellis gives you privately (dashboard and export links are for the coordinator they were given to). Write nothing in a concern that you would not want read by the critical friend.',
    ),
    card(
      'No warranty',
      'Trellis is provided as it is, without warranty of any kind. Results are estimates from the people who answered; they are a prompt for conversation, not a judgement of anyone.',
    ),
    card('Privacy', `How Trellis treats what you enter is set out on the <a href="${PRIVACY_PATH}">privacy page</a>.`),
  ].join('\n'),
);

export function mountLegalPages(app: Express, settings: PrivacySettings): void {
  for (const [path, body] of [
    [PRIVACY_PATH, privacyPage(settings)],
    [TERMS_PATH, TERMS_PAGE],
  ] as const) {
    app.get(path, (_req, res) => void res.status(200).set(SECURITY_HEADERS).type('html').send(body));
  }
}
