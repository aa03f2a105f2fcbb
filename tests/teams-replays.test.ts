// A Teams activity delivered again (Teams resending it, or a captured request
// replayed while its token lives) changes nothing the second time, in the same
// process and after a restart; a dialog replayed still gets an answer. Unknown
// invokes get the empty 200 Teams accepts. Real activities into POST /api/messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConcern } from '../src/core/concerns/concern-seal.js';
import type { StoredConcern } from '../src/core/model.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { type Activity, CHANNEL_MESSAGE, type Person, teamsRequests, UNAUTHENTICATED } from './helpers/teams-requests.js';

const ALEX: Person = { id: CHANNEL_MESSAGE.from.id as string, name: 'Alex Morgan', aad: 'aad-alex-r1' };
const SAM = { id: '29:1SamReplay000000000000000000000000000000000000000000000000000000000000', name: 'Sam Patel', aad: 'aad-sam-r2' };
const CHRIS = { id: '29:1ChrisReplay0000000000000000000000000000000000000000000000000000000000', name: 'Chris Lane', aad: 'aad-chris-r3' };

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const teams = teamsRequests(() => ({ trellis, connector }));
const { inChannel, inPersonal, invoke } = teams;

/** Posts one activity, waits for what it queued to be sent; the invoke's answer and each reply's card body (what the person reads). */
async function deliver(activity: Activity) {
  const r = await teams.deliver(activity);
  const replies = r.sent.map((s) =>
    JSON.stringify((s.activity.attachments as { content: { body: unknown } }[] | undefined)?.[0]?.content.body ?? s.activity.text),
  );
  return { ...r, replies };
}

const data = async () => JSON.parse(await trellis.data()) as { concerns: StoredConcern[]; rounds: unknown[]; partnerships: { id: string }[] };
const concerns = async () => (await data()).concerns.map((c) => openConcern(TEST_SECRET, c)!);

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis(UNAUTHENTICATED);
  const setup = await deliver(inChannel(ALEX, 'setup Riverside Partnership'));
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.replies.join(''))![1]!;
  await deliver(inChannel(ALEX, 'org add City Council public'));
  for (const [who, org] of [
    [SAM, 'City Council'],
    [CHRIS, 'independent'],
  ] as const)
    expect((await deliver(inPersonal(who, `join ${code} ${org}`))).replies.join('')).toContain('Riverside Partnership');
  expect((await deliver(inChannel(ALEX, 'role Chris Lane critical-friend'))).replies.join('')).toContain('critical friend');
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams replays do nothing twice', () => {
  it('a concern dialog submitted, then delivered three more times, raises one concern; each replay is told so', async () => {
    const pid = (await data()).partnerships[0]!.id;
    const submit = invoke('task/submit', SAM, {
      verb: 'trellis-form',
      actionId: 'concern-submit',
      context: pid,
      reopen: { actionId: 'run', value: 'concern' },
      category: 'roles',
      happening: 'Referrals bounce back: marker-teams-replay',
      help: '',
      organisation: 'no',
      consent: 'yes',
    });
    const first = await deliver(submit);
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body)).toMatch(/C-[A-HJ-NP-Z2-9]{4}/);
    expect(await concerns()).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      const again = await deliver(submit);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ task: { type: 'message', value: expect.stringContaining('already received') } });
      expect(again.replies).toEqual([]);
    }
    expect(await concerns()).toHaveLength(1);
  });

  it('a `survey now` resent after a restart opens no second check-in and sends no second reply', async () => {
    const now = inChannel(ALEX, 'survey now');
    expect((await deliver(now)).replies.join('')).toContain('is open until');
    expect((await deliver(inChannel(ALEX, 'survey close 1'))).replies.join('')).toContain('closed');
    expect((await data()).rounds).toHaveLength(1);

    await trellis.stop();
    trellis = await startTrellis(UNAUTHENTICATED, { dir: trellis.dir });
    const again = await deliver(now);
    expect(again.status).toBe(200);
    expect(again.replies).toEqual([]);
    expect((await data()).rounds).toHaveLength(1);
  });

  it('answers an invoke Trellis has no use for with an empty 200, not 501', async () => {
    await trellis.drain();
    await trellis.drain();
    const before = await trellis.data();
    for (const name of ['composeExtension/query', 'adaptiveCard/action', 'no/such-invoke']) {
      const r = await deliver(invoke(name, SAM, { verb: 'trellis', actionId: 'run', value: 'status' }));
      expect(r.status).toBe(200);
      expect(r.replies).toEqual([]);
    }
    // Compared as data: a rewrite of the file in between may order an object's keys differently.
    expect(JSON.parse(await trellis.data())).toEqual(JSON.parse(before));
  });
});
