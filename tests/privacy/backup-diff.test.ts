// An operator or backup holder with two copies of the stored state, taken just
// before and just after one person answered, learns that someone answered and
// nothing about who: the records that differ hold no member id, platform user
// id, name, chat or handle of a message sent to one person. Through the real
// Slack and Teams entry points, on the lowdb file (and its journal) and on
// every PostgreSQL table; the logs are searched too.
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Round } from '../../src/core/model.js';
import type { Store } from '../../src/core/ports.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { openPgStore } from '../../src/store/pg/pg-store.js';
import { captureDatabase, captureFile, difference, found, personValues, type Capture } from '../helpers/backup-diff.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from '../helpers/fake-teams-connector.js';
import { createThrowawayDb, describePg } from '../helpers/pg.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction, slashCommand } from '../helpers/slack-requests.js';
import { startTrellis, TEST_SECRET } from '../helpers/start-trellis.js';
import { waitFor } from '../helpers/wait-for.js';

interface Person { name: string; display: string; org: string }
const COORDINATOR: Person = { name: 'alex', display: 'Alex Morgan', org: 'City Council' };
const MEMBERS: Person[] = [
  { name: 'sam', display: 'Sam Patel', org: 'City Council' },
  { name: 'kim', display: 'Kim Osei', org: 'Hope Trust' },
  { name: 'lee', display: 'Lee Novak', org: 'Hope Trust' },
  { name: 'ria', display: 'Ria Shah', org: 'City Council' },
  { name: 'tom', display: 'Tom Berg', org: 'Hope Trust' },
];
const EVERYONE = [COORDINATOR, ...MEMBERS];

interface Fakes { slack: FakeSlack; teams: FakeTeamsConnector }
interface Running {
  url: string;
  store: Store;
  drain(): Promise<void>;
  /** The stored state as a backup taken now would hold it. */
  capture(): Promise<Capture>;
  /** Every file the store writes beside the data file (lowdb's journal), as it stands. */
  files(): Promise<string>;
  logs: string[];
  close(): Promise<void>;
}

/** How people reach Trellis on one platform: typed commands, and a check-in answered in its private form. */
interface Surface {
  env(f: Fakes): Record<string, string>;
  /** Types `text` in the partnership's home channel (`home`) or a personal chat; resolves with the reply's text. */
  say(t: Running, f: Fakes, who: Person, text: string, home: boolean): Promise<string>;
  /** Opens the check-in from its private message and submits it: the whole of one person's action. */
  answer(t: Running, f: Fakes, who: Person, round: Round, value: string): Promise<void>;
  /** Values only this platform holds for a person (their chat's id). */
  chats(who: Person): string[];
}

let seq = 0;

const slackUser = (w: Person) => `U0${w.name.toUpperCase()}`;
const slackSurface: Surface = {
  env: (f) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: f.slack.apiUrl }),
  async say(t, f, w, text, home) {
    const id = `r${++seq}`;
    const where = home ? { channel_id: 'C0RIVER', channel_name: 'riverside' } : { channel_id: `D${slackUser(w)}`, channel_name: 'directmessage' };
    expect((await slashCommand(t.url, { user_id: slackUser(w), user_name: w.name, ...where, text, response_url: f.slack.responseUrl(id) })).status).toBe(200);
    return ((await waitFor(() => f.slack.responses.find((r) => r.id === id))).body as { text: string }).text;
  },
  async answer(t, f, w, round, value) {
    type View = { blocks: { block_id?: string; element?: { options?: { value: string }[] } }[] };
    const user = { id: slackUser(w), username: w.name, name: w.name, team_id: 'T0001' };
    const trigger = `trigger-${++seq}`;
    const base = fixture<Record<string, unknown>>('block-actions-dm');
    const action = { ...(base.actions as object[])[0], action_id: 'trellis:survey-open:0', value: round.id };
    await interaction(t.url, { ...base, user, channel: { id: `D${user.id}`, name: 'directmessage' }, container: { ...(base.container as object), channel_id: `D${user.id}` }, trigger_id: trigger, actions: [action], response_url: f.slack.responseUrl(`x${seq}`) });
    const view = (await waitFor(() => f.slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as View;
    const values = Object.fromEntries(round.itemIds.map((id) => [id, { value: { type: 'radio_buttons', selected_option: view.blocks.find((b) => b.block_id === id)!.element!.options!.find((o) => o.value === value) } }]));
    const submission = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
    const res = await interaction(t.url, { ...submission, user, view: { ...submission.view, ...view, state: { values } } });
    expect(JSON.stringify(await res.json())).toContain('Thanks — your answers are in');
  },
  chats: (w) => [`D${slackUser(w)}`],
};

type Activity = Record<string, any>;
const teamsFixture = (name: string): Activity => JSON.parse(readFileSync(new URL(`../fixtures/teams/${name}.json`, import.meta.url), 'utf8')) as Activity;
const teamsUser = (w: Person) => ({ id: `29:1${w.name}-${'0'.repeat(40)}`, name: w.display, aadObjectId: `aad-${w.name}` });
const chatOf = (w: Person) => `a:1personalChat-${w.name}`;
const postActivity = async (t: Running, activity: Activity) => {
  const res = await fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text ? (JSON.parse(text) as Activity) : undefined;
};
const teamsSurface: Surface = {
  env: () => ({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }),
  async say(t, f, w, text, home) {
    const before = f.teams.sent.length;
    const m = teamsFixture(home ? 'channel-message-mention' : 'personal-message');
    const channel = (m.channelData as Activity).channel?.id as string | undefined;
    const id = `1741${String(++seq).padStart(9, '0')}`;
    const conversation = home ? { ...m.conversation, id: `${channel};messageid=${id}` } : { ...m.conversation, id: chatOf(w) };
    await postActivity(t, { ...m, id, serviceUrl: f.teams.serviceUrl, from: teamsUser(w), conversation, text: home ? `<at>${m.recipient.name}</at> ${text}` : text });
    await t.drain();
    return JSON.stringify(f.teams.sent.slice(before).map((s) => (s.activity.attachments as { content: { body: unknown } }[] | undefined)?.[0]?.content.body ?? s.activity.text));
  },
  async answer(t, f, w, round, value) {
    const invoke = (kind: 'task-fetch' | 'task-submit', data: unknown) => {
      const m = teamsFixture(kind);
      return { ...m, id: `f:${++seq}`, serviceUrl: f.teams.serviceUrl, from: teamsUser(w), conversation: { ...m.conversation, id: chatOf(w) }, value: { ...m.value, data } };
    };
    const opened = await postActivity(t, invoke('task-fetch', { msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'survey-open', value: round.id }));
    const card = opened!.task.value.card.content as { body: { type: string; id?: string }[]; actions: { data: Record<string, unknown> }[] };
    const inputs = Object.fromEntries(card.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id!, value]));
    const submitted = await postActivity(t, invoke('task-submit', { ...inputs, comment: '', ...card.actions[0]!.data }));
    expect(submitted!.task.value).toContain('Thanks — your answers are in');
  },
  chats: (w) => [chatOf(w), teamsUser(w).id, teamsUser(w).aadObjectId],
};

function scenario(name: string, surface: Surface, start: (env: Record<string, string>) => Promise<Running>) {
  describe(name, () => {
    const f = {} as Fakes;
    let t: Running;
    let round: Round;

    beforeAll(async () => {
      [f.slack, f.teams] = await Promise.all([startFakeSlack(), startFakeTeamsConnector()]);
      for (const w of EVERYONE) f.slack.users.set(slackUser(w), w.display);
      t = await start(surface.env(f));
      const setup = await surface.say(t, f, COORDINATOR, 'setup Riverside Partnership', true);
      const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup)![1]!;
      await surface.say(t, f, COORDINATOR, 'org add City Council public', true);
      await surface.say(t, f, COORDINATOR, 'org add Hope Trust voluntary', true);
      for (const w of EVERYONE) expect(await surface.say(t, f, w, `join ${code} ${w.org}`, false)).toMatch(/Welcome to|You're in/);
      expect(await surface.say(t, f, COORDINATOR, 'survey now', true)).toContain('Check-in #1 is open');
      await t.drain();
      const [p] = await t.store.partnerships();
      round = (await t.store.rounds(p!.id))[0]!;
    });
    afterAll(async () => {
      await t?.close();
      await Promise.all([f.slack?.close(), f.teams?.close()]);
    });

    it('two captures either side of each answer differ by records that name nobody', async () => {
      const [p] = await t.store.partnerships();
      const personal = async () => personValues({ members: await t.store.members(p!.id), invitations: await t.store.invitations(round.id) }, EVERYONE.flatMap(surface.chats));
      for (const [n, w] of EVERYONE.entries()) {
        const before = await t.capture();
        await surface.answer(t, f, w, round, String(1 + (n % 5)));
        await t.drain(); // the "Thanks — answered" update has gone out too
        const changed = difference(before, await t.capture());
        // Not vacuous: the new answer set is there to see, and the values looked for are there to find.
        expect(changed.filter((r) => /answer_?sets/i.test(r))).toHaveLength(1);
        const values = await personal();
        expect(values.length).toBeGreaterThan(EVERYONE.length * 4);
        expect({ answered: w.display, names: found(changed.join('\n'), values) }).toEqual({ answered: w.display, names: [] });
      }
      expect(await t.store.answerSets(round.id)).toHaveLength(EVERYONE.length);
      // The journal beside the file is sealed, and the logs hold no payloads: they name nobody at all.
      expect(found(await t.files(), await personal())).toEqual([]);
      expect(t.logs.length).toBeGreaterThan(0);
      expect(found(t.logs.join('\n'), await personal())).toEqual([]);
    });
  });
}

const lowdb = async (env: Record<string, string>): Promise<Running> => {
  const t = await startTrellis(env, { clock: fakeClock('2026-11-23T09:00:00Z') });
  return {
    url: t.url,
    store: t.store,
    drain: () => t.drain(),
    capture: async () => captureFile(await t.data()),
    files: async () => {
      const names = (await readdir(t.dir)).filter((f) => f !== 'trellis.json');
      return (await Promise.all(names.map((f) => readFile(join(t.dir, f), 'utf8')))).join('\n');
    },
    logs: t.logs,
    close: () => t.close(),
  };
};

const postgres = async (env: Record<string, string>): Promise<Running> => {
  const db = await createThrowawayDb();
  const config = loadConfig({ ...env, DATABASE_URL: db.url, TRELLIS_SECRET: TEST_SECRET });
  const store = await openPgStore(db.url);
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [TEST_SECRET], write: (l) => logs.push(l) });
  const running = await startServer({ config, store, storeKind: 'postgres', clock: fakeClock('2026-11-23T09:00:00Z'), log, secret: TEST_SECRET, schedule: false }, 0);
  return {
    url: running.url,
    store,
    drain: () => running.drain(),
    capture: () => captureDatabase(db.url),
    files: async () => '',
    logs,
    close: async () => {
      await running.close();
      await store.close();
      await db.drop();
    },
  };
};

scenario('Two backups of the lowdb file and its journal, answers through Slack', slackSurface, lowdb);
scenario('Two backups of the lowdb file and its journal, answers through Teams', teamsSurface, lowdb);
describePg('Two backups of the PostgreSQL database', () => {
  scenario('answers through Slack', slackSurface, postgres);
  scenario('answers through Teams', teamsSurface, postgres);
});
