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
import type { Store } from '../../src/store/store.js';
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

interface Person {
  name: string;
  display: string;
  org: string;
}
// In no organisation: their answer set must look like everyone else's.
const COORDINATOR: Person = { name: 'alex', display: 'Alex Morgan', org: 'independent' };
const MEMBERS: Person[] = [
  { name: 'sam', display: 'Sam Patel', org: 'City Council' },
  { name: 'kim', display: 'Kim Osei', org: 'Hope Trust' },
  { name: 'lee', display: 'Lee Novak', org: 'Hope Trust' },
  { name: 'ria', display: 'Ria Shah', org: 'City Council' },
  { name: 'tom', display: 'Tom Berg', org: 'Hope Trust' },
  // The only one from their organisation: its id points at them as surely as their name.
  { name: 'pat', display: 'Pat Quinn', org: 'Residents Group' },
];
const EVERYONE = [COORDINATOR, ...MEMBERS];

interface Fakes {
  slack: FakeSlack;
  teams: FakeTeamsConnector;
}
interface Running {
  url: string;
  store: Store;
  drain(): Promise<void>;
  /** Runs what is due now (a concern's delivery), as the scheduler does. */
  tick(): Promise<void>;
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
  /** Adds a protocol with both organisations as parties and starts its review; resolves with a way to answer it. */
  review?(t: Running, f: Fakes): Promise<(who: Person, value: string) => Promise<void>>;
  /** Raising a concern, the critical friend's reply to one, and the reporter's answer. */
  concerns?: {
    raise(t: Running, f: Fakes, who: Person, text: string): Promise<void>;
    reply(t: Running, f: Fakes, who: Person, concernId: string, text: string, as: 'friend' | 'reporter'): Promise<void>;
  };
}

let seq = 0;

const slackUser = (w: Person) => `U0${w.name.toUpperCase()}`;
const slackWho = (w: Person) => ({ id: slackUser(w), username: w.name, name: w.name, team_id: 'T0001' });
type SlackView = { private_metadata?: string; blocks: { block_id?: string; element?: { type?: string; options?: { value: string }[] } }[] };

/** A click on a button in the person's DM with the bot; resolves with the modal it opened. */
async function slackClick(t: Running, f: Fakes, w: Person, actionId: string, value: string): Promise<SlackView> {
  const trigger = `trigger-${++seq}`;
  const base = fixture<Record<string, unknown>>('block-actions-dm');
  const action = { ...(base.actions as object[])[0], action_id: actionId, value };
  await interaction(t.url, {
    ...base,
    user: slackWho(w),
    channel: { id: `D${slackUser(w)}`, name: 'directmessage' },
    container: { ...(base.container as object), channel_id: `D${slackUser(w)}` },
    trigger_id: trigger,
    actions: [action],
    response_url: f.slack.responseUrl(`x${seq}`),
  });
  return (await waitFor(() => f.slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as SlackView;
}

/** The view_submission Slack sends for `view` with these inputs (by element type); resolves with our ack as text. */
async function slackSubmit(t: Running, w: Person, view: SlackView, answers: Record<string, string | string[]>): Promise<string> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, v] of Object.entries(answers)) {
    const element = view.blocks.find((b) => b.block_id === blockId)?.element;
    const option = (x: string) => element?.options?.find((o) => o.value === x) ?? { text: { type: 'plain_text', text: x }, value: x };
    const type = element?.type ?? 'plain_text_input';
    values[blockId] = {
      value:
        type === 'checkboxes'
          ? { type, selected_options: (v as string[]).map(option) }
          : type === 'datepicker'
            ? { type, selected_date: v }
            : type === 'plain_text_input'
              ? { type, value: v }
              : { type, selected_option: option(v as string) },
    };
  }
  const submission = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const res = await interaction(t.url, { ...submission, user: slackWho(w), view: { ...submission.view, ...view, state: { values } } });
  expect(res.status).toBe(200);
  return JSON.stringify(await res.json());
}

const slackSurface: Surface = {
  env: (f) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: f.slack.apiUrl, TRELLIS_CONCERN_DELAY_MAX_SECONDS: '0' }),
  async say(t, f, w, text, home) {
    const id = `r${++seq}`;
    const where = home ? { channel_id: 'C0RIVER', channel_name: 'riverside' } : { channel_id: `D${slackUser(w)}`, channel_name: 'directmessage' };
    expect((await slashCommand(t.url, { user_id: slackUser(w), user_name: w.name, ...where, text, response_url: f.slack.responseUrl(id) })).status).toBe(200);
    return ((await waitFor(() => f.slack.responses.find((r) => r.id === id))).body as { text: string }).text;
  },
  async answer(t, f, w, round, value) {
    const view = await slackClick(t, f, w, 'trellis:survey-open:0', round.id);
    expect(await slackSubmit(t, w, view, Object.fromEntries(round.itemIds.map((id) => [id, value])))).toContain('Thanks — your answers are in');
  },
  chats: (w) => [`D${slackUser(w)}`],
  async review(t, f) {
    const trigger = `trigger-${++seq}`;
    await slashCommand(t.url, {
      user_id: slackUser(COORDINATOR),
      user_name: COORDINATOR.name,
      channel_id: 'C0RIVER',
      channel_name: 'riverside',
      text: 'protocol add',
      response_url: f.slack.responseUrl(`x${seq}`),
      trigger_id: trigger,
    });
    const form = (await waitFor(() => f.slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as SlackView;
    const [p] = await t.store.partnerships();
    const owner = (await t.store.members(p!.id)).find((m) => m.displayName === COORDINATOR.display)!;
    const parties = (await t.store.organisations(p!.id)).map((o) => o.id);
    const saved = await slackSubmit(t, COORDINATOR, form, {
      title: 'Information Sharing Protocol',
      kind: 'protocol',
      purpose: 'Sharing about families we both support.',
      parties,
      owner: owner.id,
      link: 'https://example.org/isp',
      cycle: '12',
      next: '2027-01-15',
    });
    expect(saved).toContain('P-1');
    expect(await this.say(t, f, COORDINATOR, 'review start P-1', true)).toContain('asked privately');
    await t.drain();
    const x = (await t.store.protocols(p!.id))[0]!;
    const review = x.reviews[0]!;
    return async (w, value) => {
      const view = await slackClick(t, f, w, 'trellis:review-open:0', `${x.id}:${review.id}`);
      const answers = Object.fromEntries(['review-roles', 'review-procedures', 'review-monitoring', 'review-no-breaches'].map((id) => [id, value]));
      expect(await slackSubmit(t, w, view, { ...answers, 'review-recommendation': 'kept' })).toContain('Thanks — your view is in');
    };
  },
  concerns: {
    async raise(t, f, w, text) {
      const trigger = `trigger-${++seq}`;
      await slashCommand(t.url, {
        user_id: slackUser(w),
        user_name: w.name,
        channel_id: `D${slackUser(w)}`,
        channel_name: 'directmessage',
        text: 'concern',
        response_url: f.slack.responseUrl(`x${seq}`),
        trigger_id: trigger,
      });
      const form = (await waitFor(() => f.slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as SlackView;
      expect(await slackSubmit(t, w, form, { category: 'roles', happening: text, organisation: 'no', consent: 'yes' })).toContain('Your reference is');
    },
    async reply(t, f, w, concernId, text, as) {
      const view = await slackClick(t, f, w, `trellis:concern-${as}-open:0`, concernId);
      expect(await slackSubmit(t, w, view, { reply: text, ...(as === 'friend' ? { status: 'acknowledged' } : { close: 'open' }) })).toContain(
        as === 'friend' ? 'Sent to the person behind' : 'Sent',
      );
    },
  },
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
    await postActivity(t, {
      ...m,
      id,
      serviceUrl: f.teams.serviceUrl,
      from: teamsUser(w),
      conversation,
      text: home ? `<at>${m.recipient.name}</at> ${text}` : text,
    });
    await t.drain();
    return JSON.stringify(
      f.teams.sent.slice(before).map((s) => (s.activity.attachments as { content: { body: unknown } }[] | undefined)?.[0]?.content.body ?? s.activity.text),
    );
  },
  async answer(t, f, w, round, value) {
    const invoke = (kind: 'task-fetch' | 'task-submit', data: unknown) => {
      const m = teamsFixture(kind);
      return {
        ...m,
        id: `f:${++seq}`,
        serviceUrl: f.teams.serviceUrl,
        from: teamsUser(w),
        conversation: { ...m.conversation, id: chatOf(w) },
        value: { ...m.value, data },
      };
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
      await surface.say(t, f, COORDINATOR, 'org add Residents Group community', true);
      for (const w of EVERYONE) expect(await surface.say(t, f, w, `join ${code} ${w.org}`, false)).toMatch(/Welcome to|You're (already )?in/);
      expect(await surface.say(t, f, COORDINATOR, 'survey now', true)).toContain('Check-in #1 is open');
      await t.drain();
      const [p] = await t.store.partnerships();
      round = (await t.store.rounds(p!.id))[0]!;
    });
    afterAll(async () => {
      await t?.close();
      await Promise.all([f.slack?.close(), f.teams?.close()]);
    });

    /** Every value that points at a person, gathered from the live store (which holds them all). */
    const personal = async (roundId: string) => {
      const [p] = await t.store.partnerships();
      const members = await t.store.members(p!.id);
      const orgsOfOne = (await t.store.organisations(p!.id)).filter((o) => members.filter((m) => m.organisationId === o.id).length === 1).map((o) => o.id);
      expect(orgsOfOne).toHaveLength(1);
      return personValues({ members, invitations: await t.store.invitations(roundId) }, [...EVERYONE.flatMap(surface.chats), ...orgsOfOne]);
    };

    /** Each person acts in turn; two captures either side of each action differ by a new answer set and records naming nobody. */
    async function eachInTurn(roundId: string, act: (w: Person, value: string) => Promise<void>, people = EVERYONE) {
      for (const [n, w] of people.entries()) {
        const before = await t.capture();
        await act(w, String(1 + (n % 5)));
        await t.drain(); // the "Answered" update has gone out too
        const changed = difference(before, await t.capture());
        // Not vacuous: the new answer set is there to see, and the values looked for are there to find.
        expect(changed.filter((r) => /answer_?sets/i.test(r))).toHaveLength(1);
        const values = await personal(roundId);
        expect(values.length).toBeGreaterThan(EVERYONE.length * 4);
        expect({ answered: w.display, names: found(changed.join('\n'), values) }).toEqual({ answered: w.display, names: [] });
      }
      const sets = await t.store.answerSets(roundId);
      expect(sets).toHaveLength(people.length);
      // Sealed text grows with what it hides: every group, in any sector or none, is one length.
      const lengths = new Set(sets.map((a) => a.group?.length ?? 0));
      expect([...lengths]).toEqual([expect.any(Number)]);
      expect([...lengths][0]).toBeGreaterThan(100);
      // The journal beside the file is sealed, and the logs hold no payloads: they name nobody at all.
      expect(found(await t.files(), await personal(roundId))).toEqual([]);
      expect(t.logs.length).toBeGreaterThan(0);
      expect(found(t.logs.join('\n'), await personal(roundId))).toEqual([]);
    }

    it('two captures either side of each check-in answer differ by records that name nobody', async () => {
      await eachInTurn(round.id, (w, value) => surface.answer(t, f, w, round, value));
    });

    // Concerns take the same path on every platform; through Slack here.
    if (surface.concerns)
      it('two captures either side of each concern raised, each reply and each answer differ by records that name nobody', async () => {
        const { raise, reply } = surface.concerns!;
        const FRIEND: Person = { name: 'chris', display: 'Chris Friend', org: 'independent' };
        f.slack.users.set(slackUser(FRIEND), FRIEND.display);
        const [p] = await t.store.partnerships();
        expect(await surface.say(t, f, FRIEND, `join ${p!.inviteCode} independent`, false)).toContain('Welcome to');
        expect(await surface.say(t, f, COORDINATOR, `role <@${slackUser(FRIEND)}|chris> critical-friend`, true)).toContain('is now a critical friend');
        await t.drain();
        const values = async () => [...(await personal(round.id)), ...surface.chats(FRIEND)];
        /** One person's action, between two captures: what changed names nobody, and `table` did change. */
        const step = async (who: Person, table: RegExp, act: () => Promise<void>) => {
          const before = await t.capture();
          await act();
          await t.tick(); // a concern goes to the critical friend once its (here zero) delay is up
          await t.drain();
          const after = await t.capture();
          const changed = difference(before, after);
          expect(changed.filter((r) => table.test(r)).length).toBeGreaterThan(0);
          expect({ acted: who.display, names: found(changed.join('\n'), await values()) }).toEqual({ acted: who.display, names: [] });
          return { added: difference(before, after, 'added'), replaced: difference(before, after, 'removed') };
        };
        const raised = new Map<Person, string>();
        for (const w of MEMBERS) {
          const known = new Set((await t.store.concerns(p!.id)).map((c) => c.id));
          await step(w, /concerns/, () => raise(t, f, w, `Referrals from ${w.org} bounce back: marker-${w.name}`));
          raised.set(w, (await t.store.concerns(p!.id)).find((c) => !known.has(c.id))!.id);
        }
        // A third copy: a second concern from the same person changes nothing the first one wrote (a count would tie them together).
        const sam = MEMBERS[0]!;
        const first = await step(sam, /concerns/, () => raise(t, f, sam, 'Minutes arrive weeks late: marker-second'));
        const second = await step(sam, /concerns/, () => raise(t, f, sam, 'Budget talk leaves us out: marker-third'));
        expect(first.added.length).toBeGreaterThan(0);
        expect(second.replaced.filter((r) => first.added.includes(r))).toEqual([]);
        for (const [, id] of raised) await step(FRIEND, /concerns/, () => reply(t, f, FRIEND, id, `Thank you, ${id}: has it happened before?`, 'friend'));
        for (const [w, id] of raised) await step(w, /concerns/, () => reply(t, f, w, id, `Three times this quarter: marker-${w.name}-again`, 'reporter'));
        expect(found(await t.files(), await values())).toEqual([]);
        expect(found(t.logs.join('\n'), await values())).toEqual([]);
      });

    // Review answers take the same path on every platform; through Slack here.
    if (surface.review)
      it('two captures either side of each review answer differ by records that name nobody', async () => {
        const answer = await surface.review!(t, f);
        const [p] = await t.store.partnerships();
        // A review asks the members of the party organisations: everyone but the independent coordinator.
        await eachInTurn(
          (await t.store.protocols(p!.id))[0]!.reviews[0]!.id,
          answer,
          EVERYONE.filter((w) => w.org !== 'independent'),
        );
      });
  });
}

const lowdb = async (env: Record<string, string>): Promise<Running> => {
  const t = await startTrellis(env, { clock: fakeClock('2026-11-23T09:00:00Z') });
  return {
    url: t.url,
    store: t.store,
    drain: () => t.drain(),
    tick: () => t.tick(),
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
  // The store is handed over ready-made, so DATABASE_URL stays out of the configuration (which refuses it beside unauthenticated Teams).
  const config = loadConfig({ ...env, TRELLIS_SECRET: TEST_SECRET });
  const store = await openPgStore(db.url);
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', secrets: [TEST_SECRET], write: (l) => logs.push(l) });
  const running = await startServer(
    { config, store, storeKind: 'postgres', clock: fakeClock('2026-11-23T09:00:00Z'), log, secret: TEST_SECRET, schedule: false },
    0,
  );
  return {
    url: running.url,
    store,
    drain: () => running.drain(),
    tick: () => running.tick(),
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
