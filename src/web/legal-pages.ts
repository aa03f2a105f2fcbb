// The privacy notice and terms of use the Teams app manifest links to
// (developer.privacyUrl and termsOfUseUrl, required by Teams): served by
// Trellis itself at PUBLIC_URL/privacy and /terms, so an install never points
// at someone else's page. Static, no script, the dashboard's security headers.
import type { Express } from 'express';
import { SECURITY_HEADERS } from './dashboard-routes.js';
import { page } from './html.js';

export const PRIVACY_PATH = '/privacy';
export const TERMS_PATH = '/terms';

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
  `<section class="card"><h2>${heading}</h2>${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}</section>`;

/** A summary of the README's privacy model: what each party can and cannot learn. */
export const PRIVACY_PAGE = frame(
  'Privacy',
  [
    card(
      'Why it is built this way',
      'Trellis exists so that people in a partnership can be honest about how it is going. Answers to check-ins and reviews, and concerns raised with the critical friend, are collected in private forms, never in chat messages, because workspace and tenant owners can export chat history. Chat messages only ever say content-free things such as “Answered”.',
    ),
    card('Members', 'You see your own answers and partnership-wide results. You never see anyone else’s answers.'),
    card(
      'Coordinators',
      'Coordinators see results only for groups of at least the partnership’s threshold (5 people by default, never fewer than 3), how many took part, the protocol register and the themes the critical friend chooses to publish. They never see individual answers, who answered what, any concern, or who raised one. The threshold promised when people answered keeps applying to those answers, even if it is lowered later.',
    ),
    card(
      'The critical friend',
      'The critical friend reads concerns and replies under a pseudonym made for each concern, never learning who raised it, and only concerns raised while they hold the role. Nobody who has coordinated the partnership can become its critical friend, and every change of critical friend is announced.',
    ),
    card(
      'Whoever holds the data or the logs',
      'Answers are stored without your name or platform id and without the time you answered, under a key that cannot be linked to you without the server’s secret. Concern text and replies are encrypted. Logs carry codes and events, never tokens, secrets or what anyone wrote. An organisation with a single member who answered is recognisable by its organisation in the stored data, which is why results never show groups under the threshold.',
    ),
    card(
      'What is kept, and for how long',
      'Trellis keeps the partnership’s settings, members and their roles, organisations, the protocol register, answer sets, and concerns. Thirty days after a check-in closes, the record of who was invited is dropped and only its counts and unlinkable answer sets are kept. Messages Trellis has delivered leave its outbox after 30 days.',
    ),
  ].join('\n'),
);

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

export function mountLegalPages(app: Express): void {
  for (const [path, body] of [
    [PRIVACY_PATH, PRIVACY_PAGE],
    [TERMS_PATH, TERMS_PAGE],
  ] as const) {
    app.get(path, (_req, res) => void res.status(200).set(SECURITY_HEADERS).type('html').send(body));
  }
}
