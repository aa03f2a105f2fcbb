// Three Trellis processes on one PostgreSQL database, behind no load balancer
// but the test's own round-robin: a schedule opens one round across the
// cluster, one instance is killed mid fan-out, and still every member gets
// exactly one check-in and (if they have not answered) one reminder, and
// every answer acknowledged is kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Member, Partnership } from '../src/core/model.js';
import { WEEKDAYS } from '../src/core/model.js';
import { openPgStore, type PgStore } from '../src/store/pg/pg-store.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { BOT_TOKEN, fixture, interaction, SIGNING_SECRET } from './helpers/slack-requests.js';
import { TEST_SECRET } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const MEMBERS = 30;
const ANSWERING = 10;

interface Instance {
  url: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () =>
      (await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)) || undefined,
    30_000,
  );
  return { url, child, output, exited };
}

describePg('three instances on one PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let slack: FakeSlack;
  let store: PgStore;
  let instances: Instance[] = [];
  const members: Member[] = [];

  beforeAll(async () => {
    db = await createThrowawayDb();
    // Each answer and button press is slow enough on the way back that the kill lands mid-run.
    slack = await startFakeSlack();
    slack.delayMs = 40;
    store = await openPgStore(db.url);

    // A schedule whose slot is this very minute: the first tick in the cluster opens it.
    const now = new Date();
    const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    const hhmm = slot.toISOString().slice(11, 16);
    const p: Partnership = {
      id: 'p-cluster',
      name: 'Riverside',
      purpose: '',
      type: 'coordinating',
      homes: [{ platform: 'slack', workspace: 'T0001', conversationId: 'C0RIVER', label: '#riverside' }],
      timezone: 'UTC',
      threshold: 5,
      inviteCode: 'CLUS-TER1',
      createdAt: now.toISOString(),
      schedule: { cadence: 'weekly', day: WEEKDAYS[slot.getUTCDay()]!, time: hhmm, since: new Date(slot.getTime() - 1000).toISOString() },
      survey: { remindAfterMinutes: 2, windowMinutes: 30 },
    };
    await store.savePartnership(p);
    await store.saveOrganisation({ id: 'o1', partnershipId: p.id, name: 'City Council', sector: 'public' });
    for (let i = 1; i <= MEMBERS; i++) {
      const m: Member = {
        id: `m${i}`,
        partnershipId: p.id,
        platform: 'slack',
        workspace: 'T0001',
        userId: `U0M${String(i).padStart(3, '0')}`,
        displayName: `Member ${i}`,
        organisationId: 'o1',
        role: i === 1 ? 'coordinator' : 'member',
        joinedAt: now.toISOString(),
      };
      members.push(m);
      await store.saveMember(m);
    }

    const env = {
      DATABASE_URL: db.url,
      TRELLIS_SECRET: TEST_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      TRELLIS_TICK_CRON: '* * * * * *',
      TRELLIS_SLACK_POSTS_PER_SECOND: '5',
      LOG_LEVEL: 'info',
    };
    instances = await Promise.all([0, 1, 2].map(() => startInstance(env)));
  }, 120_000);

  afterAll(async () => {
    for (const i of instances) i.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => i.exited));
    await store?.close();
    await slack?.close();
    await db?.drop();
  });

  const posts = (userId: string) => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === userId);
  const checkIns = (userId: string) => posts(userId).filter((c) => String(c.body.text).includes('short statement'));
  const reminders = (userId: string) =>
    posts(userId).filter((c) => String(c.body.text).startsWith('A reminder') || String(c.body.text).includes('A reminder:'));

  /** Opens the check-in from its DM button on one instance and submits it on another, as a load balancer might. */
  async function answer(m: Member, roundId: string, openOn: Instance, submitOn: Instance) {
    const trigger = `trigger-open-${m.userId}`;
    const base = fixture<Record<string, unknown>>('block-actions-dm');
    const click = await interaction(openOn.url, {
      ...base,
      user: { id: m.userId, username: m.userId, name: m.userId, team_id: 'T0001' },
      channel: { id: `D${m.userId}`, name: 'directmessage' },
      container: { ...(base.container as object), channel_id: `D${m.userId}` },
      trigger_id: trigger,
      actions: [{ ...(base.actions as object[])[0], action_id: 'trellis:survey-open:0', value: roundId }],
      response_url: slack.responseUrl(trigger),
    });
    expect(click.status).toBe(200);
    const view = (await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger), 15_000)).body.view as {
      private_metadata: string;
      blocks: { block_id?: string; element?: { type: string; options?: { value: string }[] } }[];
    };
    const values: Record<string, unknown> = {};
    for (const b of view.blocks) {
      if (b.element?.type === 'radio_buttons')
        values[b.block_id!] = { value: { type: 'radio_buttons', selected_option: b.element.options!.find((o) => o.value === '4') } };
    }
    const sub = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
    const res = await interaction(submitOn.url, {
      ...sub,
      trigger_id: `trigger-submit-${m.userId}`,
      user: { id: m.userId, username: m.userId, name: m.userId, team_id: 'T0001' },
      view: { ...sub.view, ...view, state: { values } },
    });
    expect(res.status).toBe(200);
    const ack = (await res.json()) as { response_action: string; view?: { blocks: unknown[] } };
    expect(JSON.stringify(ack)).toContain('your answers are in');
  }

  it('opens one round, survives losing an instance mid-run, and delivers exactly one check-in and one reminder each, losing no answer', async () => {
    // Kill, mid-send, an instance holding check-ins it has claimed: its share must still arrive, once.
    const victim = await waitFor(async () => {
      const { rows } = await store.pool.query<{ owner: string }>("SELECT owner FROM outgoing WHERE status = 'sending'");
      return instances.find((i) => rows.some((r) => r.owner.split(':')[1] === String(i.child.pid)));
    }, 30_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const [a, b] = instances.filter((i) => i !== victim) as [Instance, Instance];
    instances = [a, b];

    // The scheduled slot opened once across the cluster.
    const rounds = await store.rounds('p-cluster');
    expect(rounds).toHaveLength(1);
    const round = rounds[0]!;

    // Some answer straight away (before the reminder is due, two minutes after opening), through both surviving instances.
    const answering = await waitFor(() => {
      const reached = members.filter((m) => checkIns(m.userId).length > 0);
      return reached.length >= ANSWERING ? reached.slice(0, ANSWERING) : undefined;
    }, 90_000);
    for (const [i, m] of answering.entries()) await answer(m, round.id, i % 2 ? a : b, i % 2 ? b : a);
    const silent = members.filter((m) => !answering.includes(m));

    // Every member gets their check-in, the killed instance's share included (after its lease runs out).
    await waitFor(() => (members.every((m) => checkIns(m.userId).length >= 1) ? true : undefined), 120_000);

    // The reminder falls due two minutes after opening, once across the cluster.
    await waitFor(() => (silent.every((m) => reminders(m.userId).length >= 1) ? true : undefined), 150_000);
    // Give any duplicate time to show itself.
    await new Promise((r) => setTimeout(r, 3_000));

    for (const m of members) expect(checkIns(m.userId), `check-ins to ${m.userId}`).toHaveLength(1);
    for (const m of answering) expect(reminders(m.userId), `reminders to ${m.userId}`).toHaveLength(0);
    for (const m of silent) expect(reminders(m.userId), `reminders to ${m.userId}`).toHaveLength(1);
    expect(await store.rounds('p-cluster')).toHaveLength(1);
    expect(await store.answerSets(round.id)).toHaveLength(ANSWERING);
    const invitations = await store.invitations(round.id);
    expect(invitations).toHaveLength(MEMBERS);
    // Nothing identifying in what the instances logged.
    const logged = [a, b].flatMap((i) => i.output).join('');
    for (const m of members) expect(logged).not.toContain(m.userId);
  }, 300_000);
});
