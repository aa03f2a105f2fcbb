// An operator or backup holder with two copies of the stored state, taken just
// before and just after one person answered, learns that someone answered and
// nothing about who: the records that differ hold no member id, platform user
// id, name, chat or handle of a message sent to one person. Through the real
// Slack entry point, on the lowdb file (and its journal) and on PostgreSQL.
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
import { createThrowawayDb, describePg } from '../helpers/pg.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction, slashCommand } from '../helpers/slack-requests.js';
import { startTrellis, TEST_SECRET } from '../helpers/start-trellis.js';
import { waitFor } from '../helpers/wait-for.js';

type Who = { user_id: string; user_name: string; display: string; org: string };
const person = (name: string, display: string, org: string): Who => ({ user_id: `U0${name.toUpperCase()}`, user_name: name, display, org });
const COORDINATOR = person('alex', 'Alex Morgan', 'city council');
const MEMBERS = [
  person('sam', 'Sam Patel', 'city council'),
  person('kim', 'Kim Osei', 'hope trust'),
  person('lee', 'Lee Novak', 'hope trust'),
  person('ria', 'Ria Shah', 'city council'),
  person('tom', 'Tom Berg', 'hope trust'),
];
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

type View = { private_metadata?: string; blocks: { block_id?: string; type: string; element?: { type?: string; options?: { text: unknown; value: string }[] } }[] };

interface Running {
  url: string;
  store: Store;
  drain(): Promise<void>;
  /** The stored state as a backup taken now would hold it. */
  capture(): Promise<Capture>;
  /** Every file the store writes, as it stands (lowdb only), and everything logged. */
  files(): Promise<string>;
  logs: string[];
  close(): Promise<void>;
}

function scenario(name: string, start: (slack: FakeSlack) => Promise<Running>) {
  describe(name, () => {
    let slack: FakeSlack;
    let t: Running;
    let seq = 0;
    let round: Round;

    const run = async (who: Who, where: Record<string, string>, text: string) => {
      const id = `r${++seq}`;
      expect((await slashCommand(t.url, { user_id: who.user_id, user_name: who.user_name, ...where, text, response_url: slack.responseUrl(id) })).status).toBe(200);
      return ((await waitFor(() => slack.responses.find((r) => r.id === id))).body as { text: string }).text;
    };
    const user = (w: Who) => ({ id: w.user_id, username: w.user_name, name: w.user_name, team_id: 'T0001' });

    /** Clicks the check-in DM's button, then submits the modal: the whole of one person's action. */
    async function answer(w: Who, value: string) {
      const trigger = `trigger-${++seq}`;
      const base = fixture<Record<string, unknown>>('block-actions-dm');
      const action = { ...(base.actions as object[])[0], action_id: 'trellis:survey-open:0', value: round.id };
      await interaction(t.url, { ...base, user: user(w), channel: { id: `D${w.user_id}`, name: 'directmessage' }, container: { ...(base.container as object), channel_id: `D${w.user_id}` }, trigger_id: trigger, actions: [action], response_url: slack.responseUrl(`x${seq}`) });
      const view = (await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as View;
      const values = Object.fromEntries(round.itemIds.map((id) => [id, { value: { type: 'radio_buttons', selected_option: view.blocks.find((b) => b.block_id === id)!.element!.options!.find((o) => o.value === value) } }]));
      const submission = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
      const res = await interaction(t.url, { ...submission, user: user(w), view: { ...submission.view, ...view, state: { values } } });
      expect(JSON.stringify(await res.json())).toContain('Thanks — your answers are in');
    }

    beforeAll(async () => {
      slack = await startFakeSlack();
      for (const w of [COORDINATOR, ...MEMBERS]) slack.users.set(w.user_id, w.display);
      t = await start(slack);
      const setup = await run(COORDINATOR, CHANNEL, 'setup Riverside Partnership');
      const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup)![1]!;
      await run(COORDINATOR, CHANNEL, 'org add City Council public');
      await run(COORDINATOR, CHANNEL, 'org add Hope Trust voluntary');
      for (const w of [COORDINATOR, ...MEMBERS]) await run(w, dm(w), `join ${code} ${w.org}`);
      expect(await run(COORDINATOR, CHANNEL, 'survey now')).toContain('Check-in #1 is open');
      await t.drain();
      const [p] = await t.store.partnerships();
      round = (await t.store.rounds(p!.id))[0]!;
    });
    afterAll(async () => {
      await t?.close();
      await slack?.close();
    });

    it('two captures either side of each answer differ by records that name nobody', async () => {
      const [p] = await t.store.partnerships();
      const everyone = [COORDINATOR, ...MEMBERS];
      for (const [n, w] of everyone.entries()) {
        const before = await t.capture();
        await answer(w, String(1 + (n % 5)));
        await t.drain(); // the "Thanks — answered" update has gone out too
        const after = await t.capture();
        const changed = difference(before, after);
        // Not vacuous: the new answer set is there to see.
        expect(changed.filter((r) => /answer_?sets/i.test(r))).toHaveLength(1);
        const values = personValues({ members: await t.store.members(p!.id), invitations: await t.store.invitations(round.id) }, [...everyone.map((x) => `D${x.user_id}`)]);
        expect(values.length).toBeGreaterThan(everyone.length * 3);
        expect({ answered: w.display, names: found(changed.join('\n'), values) }).toEqual({ answered: w.display, names: [] });
      }
      expect(await t.store.answerSets(round.id)).toHaveLength(everyone.length);
      // The journal beside the file is sealed, and the logs hold no payloads: they name nobody at all.
      const values = personValues({ members: await t.store.members(p!.id), invitations: await t.store.invitations(round.id) });
      expect(found(await t.files(), values)).toEqual([]);
      expect(t.logs.length).toBeGreaterThan(0);
      expect(found(t.logs.join('\n'), values)).toEqual([]);
    });
  });
}

const env = (slack: FakeSlack) => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });

scenario('Two backups of the lowdb file and its journal', async (slack) => {
  const t = await startTrellis(env(slack), { clock: fakeClock('2026-11-23T09:00:00Z') });
  return {
    url: t.url,
    store: t.store,
    drain: () => t.drain(),
    capture: async () => captureFile(await t.data()),
    files: async () => {
      const names = (await readdir(t.dir)).filter((f) => f !== 'trellis.json'); // the journal and anything else beside the file
      return (await Promise.all(names.map((f) => readFile(join(t.dir, f), 'utf8')))).join('\n');
    },
    logs: t.logs,
    close: () => t.close(),
  };
});

describePg('Two backups of the PostgreSQL database', () => {
  scenario('rows', async (slack) => {
    const db = await createThrowawayDb();
    const config = loadConfig({ ...env(slack), DATABASE_URL: db.url, TRELLIS_SECRET: TEST_SECRET });
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
  });
});
