// The Teams manifest's privacyUrl and termsOfUseUrl are pages Trellis serves
// itself, under PUBLIC_URL, with the dashboard's security headers; the privacy
// page states the README's privacy model.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../src/web/dashboard-routes.js';
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

  it('links the terms to the privacy page', async () => {
    expect(await (await served(TEAMS.developer.termsOfUseUrl)).text()).toContain('href="/privacy"');
  });
});
