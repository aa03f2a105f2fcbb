// The Teams manifest's privacyUrl and termsOfUseUrl are pages Trellis serves
// itself, under PUBLIC_URL, with the dashboard's security headers; the privacy
// page states the README's privacy model.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../src/core/grammar.js';
import { RIGHTS_COMMANDS } from '../src/core/privacy.js';
import { DEFAULT_RETENTION } from '../src/core/model.js';
import { SECURITY_HEADERS } from '../src/web/dashboard-routes.js';
import { type PrivacySettings, privacyPage } from '../src/web/legal-pages.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

const TEAMS = JSON.parse(readFileSync(new URL('../manifests/teams/manifest.json', import.meta.url), 'utf8')) as {
  developer: { privacyUrl: string; termsOfUseUrl: string; websiteUrl: string };
};
const BASE = new URL(TEAMS.developer.websiteUrl);

let slack: FakeSlack;
let trellis: TestTrellis;

beforeAll(async () => {
  slack = await startFakeSlack();
  trellis = await startTrellis({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PUBLIC_URL: 'https://trellis.example.org',
  });
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

/** The manifest's URL, on the running Trellis. */
const served = async (url: string) => fetch(`${trellis.url}${new URL(url).pathname}`);

describe('privacy and terms pages', () => {
  it('are where the Teams manifest points, on the host the manifest names', () => {
    for (const url of [TEAMS.developer.privacyUrl, TEAMS.developer.termsOfUseUrl]) {
      expect(new URL(url).origin).toBe(BASE.origin);
    }
    expect(new URL(TEAMS.developer.privacyUrl).pathname).toBe('/privacy');
    expect(new URL(TEAMS.developer.termsOfUseUrl).pathname).toBe('/terms');
  });

  for (const [name, url] of [
    ['privacy', TEAMS.developer.privacyUrl],
    ['terms', TEAMS.developer.termsOfUseUrl],
  ] as const) {
    it(`serves the ${name} page as HTML with the dashboard's security headers`, async () => {
      const res = await served(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      for (const [header, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(header), header).toBe(value);
      const html = await res.text();
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).not.toMatch(/<script/i);
    });
  }

  it('summarises the privacy model: what members, coordinators, the critical friend and data holders can and cannot learn', async () => {
    const text = (await (await served(TEAMS.developer.privacyUrl)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    for (const party of ['Members', 'Coordinators', 'The critical friend', 'Whoever holds the data']) expect(text).toContain(party);
    expect(text).toMatch(/never see individual answers, who answered what, any concern, or who raised one/);
    expect(text).toMatch(/at least the partnership’s threshold \(5 people by default, never fewer than 3\)/);
    expect(text).toMatch(/pseudonym made for each concern/);
    expect(text).toMatch(/private forms, never in chat messages/);
    expect(text).toMatch(/Concern text and replies are encrypted/);
  });

  it('links the terms to the privacy page and back, and every link on them works', async () => {
    expect(await (await served(TEAMS.developer.termsOfUseUrl)).text()).toContain('href="/privacy"');
    expect(await (await served(TEAMS.developer.privacyUrl)).text()).toContain('href="/terms"');
    for (const url of [TEAMS.developer.privacyUrl, TEAMS.developer.termsOfUseUrl]) {
      const hrefs = [...(await (await served(url)).text()).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect((await fetch(`${trellis.url}${href}`)).status, href).toBe(200);
    }
  });

  it('is written from the running settings: this server, Slack with the default concern delay, differs from another', async () => {
    const text = (await (await served(TEAMS.developer.privacyUrl)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('messages and forms pass through Slack');
    expect(text).toContain('in a single data file on the server');
    expect(text).toContain('after a random delay of up to 10 minutes');
    expect(text).toContain('at most 3 concerns a day');
    const other = await startTrellis({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0',
      TRELLIS_CONCERNS_PER_DAY: '5',
    });
    try {
      const otherText = (await (await fetch(`${other.url}/privacy`)).text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      expect(otherText).toContain('reaches the critical friend straight away');
      expect(otherText).toContain('at most 5 concerns a day');
      expect(otherText).not.toContain('random delay');
    } finally {
      await other.close();
    }
  });
});

const SETTINGS: PrivacySettings = {
  store: 'lowdb',
  slack: true,
  teams: false,
  playground: false,
  email: false,
  concernDelayMaxSeconds: 600,
  concernsPerDay: 3,
  outboxKeepDays: 30,
  uninstallGraceDays: 30,
};
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the privacy notice, written from the running settings', () => {
  it('says what this install runs: store, platforms, email, the concern delay and the daily limit', () => {
    const one = textOf(privacyPage(SETTINGS));
    const other = textOf(privacyPage({ ...SETTINGS, store: 'postgres', slack: false, teams: true, email: true, concernDelayMaxSeconds: 0, concernsPerDay: 1 }));
    expect(one).not.toBe(other);
    expect(one).toContain('in a single data file on the server');
    expect(one).toContain('messages and forms pass through Slack');
    expect(one).not.toMatch(/Microsoft|PostgreSQL|email, for people/);
    expect(one).toContain('after a random delay of up to 10 minutes');
    expect(one).toContain('at most 3 concerns a day');
    expect(other).toContain('in a PostgreSQL database');
    expect(other).toContain('messages and forms pass through Microsoft');
    expect(other).toContain('email, for people on neither platform');
    expect(other).not.toMatch(/pass through Slack|data file|random delay/);
    expect(other).toContain('reaches the critical friend straight away');
    expect(other).toContain('at most 1 concern a day');
    expect(textOf(privacyPage({ ...SETTINGS, concernDelayMaxSeconds: 90 }))).toContain('up to 90 seconds');
  });

  it('is honest about retention: what is dropped on a timer, and that everything else is kept until removed', () => {
    const text = textOf(privacyPage({ ...SETTINGS, outboxKeepDays: 45 }));
    expect(text).toContain(`${DEFAULT_RETENTION.invitationDays} days after a check-in closes, the record of who was invited is dropped`);
    expect(text).toContain(`the text of a concern and its replies ${DEFAULT_RETENTION.concernMonths} months after the conversation is resolved or closed`);
    expect(text).toContain(`check-in and review comments ${DEFAULT_RETENTION.commentMonths} months after the check-in or review closed`);
    expect(text).toContain('each partnership’s coordinators may change them with set retention , and status shows a partnership’s');
    expect(text).toContain('leave its outbox after 45 days, for every partnership');
    expect(text).toContain('Everything else (members, organisations, settings, the protocol register, answers) is kept until it is removed');
    expect(text).not.toContain('does not yet delete');
    // The command it names is one that parses.
    expect(parseCommand('set retention concerns 6 months').ok).toBe(true);
  });

  it('says what an uninstall does, after how many days, on the platforms this install serves', () => {
    const slack = textOf(privacyPage({ ...SETTINGS, uninstallGraceDays: 14 }));
    expect(slack).toContain('If a Slack workspace removes Trellis, Trellis can no longer reach the people there. It waits 14 days');
    expect(slack).toContain('erased from every partnership as if they had left');
    expect(slack).not.toMatch(/Microsoft Teams|in Teams, writing/);
    const teams = textOf(privacyPage({ ...SETTINGS, slack: false, teams: true }));
    expect(teams).toContain('If you remove Trellis from your own chat in Microsoft Teams');
    expect(teams).toContain('in Teams, writing to it again');
    expect(textOf(privacyPage({ ...SETTINGS, slack: false, playground: true }))).not.toContain('When Trellis is removed');
  });

  it('lists as rights only commands that exist today, each of which parses', () => {
    const rights = privacyPage(SETTINGS).split('<h2>Your rights</h2>')[1]!.split('</section>')[0]!;
    const typed = [...rights.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>')).filter((t) => t !== '/trellis');
    expect(typed).toEqual(RIGHTS_COMMANDS.map((r) => r.typed));
    for (const t of typed) expect(parseCommand(t).ok, t).toBe(true);
  });

  it('is accessible: a language, a title, one h1, and a heading for every section', () => {
    const html = privacyPage(SETTINGS);
    expect(html).toMatch(/<html lang="en/);
    expect(html).toMatch(/<title>Trellis: Privacy<\/title>/);
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    const sections = html.match(/<section[^>]*>/g) ?? [];
    expect(sections.length).toBeGreaterThan(5);
    for (const s of html.split(/<section[^>]*>/).slice(1)) expect(s).toMatch(/^<h2>[^<]+<\/h2>/);
    // No list inside a paragraph (invalid HTML that screen readers mis-announce).
    expect(html).not.toMatch(/<p>(?:(?!<\/p>)[\s\S])*<ul>/);
    expect(html).not.toMatch(/<script|javascript:|\son\w+=/i);
  });
});
