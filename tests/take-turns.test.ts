// The request gate in front of each platform's webhook: a few requests per turn
// of the event loop, in arrival order, none left behind — and, through the real
// Slack endpoint, a burst of check-in answers all recorded and thanked.
import { setImmediate as turn } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NextFunction, Request, Response } from 'express';
import { renderFormModal } from '../src/adapters/slack/render-modal.js';
import { takeTurns } from '../src/adapters/take-turns.js';
import { withDefaults } from '../src/core/deps.js';
import { isForm } from '../src/core/message.js';
import { openCheckIn } from '../src/core/survey/answers.js';
import { BENCH_CHANNEL, BENCH_PARTNERSHIP, seedPartnership, userIdOf } from './bench/lib/server-data.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { corePorts } from './helpers/core-ports.js';

describe('takeTurns', () => {
  const requests = (gate: ReturnType<typeof takeTurns>, n: number, from = 0) => {
    const admitted: number[] = [];
    for (let i = from; i < from + n; i++) gate({} as Request, {} as Response, (() => admitted.push(i)) as NextFunction);
    return admitted;
  };

  it('lets in a few requests per turn of the event loop, in arrival order, until none is waiting', async () => {
    const gate = takeTurns(8);
    const admitted = requests(gate, 20);
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await turn();
    expect(admitted).toHaveLength(16);
    await turn();
    expect(admitted).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('keeps arrival order when requests come while others wait, and starts afresh once idle', async () => {
    const gate = takeTurns(2);
    const first = requests(gate, 3);
    const later = requests(gate, 1, 3); // arrives while #2 waits: it must not jump ahead
    expect([...first, ...later]).toEqual([0, 1]);
    await turn();
    expect([...first, ...later]).toEqual([0, 1, 2, 3]);
    await turn();
    await turn();
    expect(requests(gate, 2, 10)).toEqual([10, 11]); // a new turn, nothing waiting: straight in
  });
});

describe('a burst of check-in answers through the Slack endpoint', () => {
  const MEMBERS = 20; // more than two turns, and within the burst Slack allows chat.update (the thanks), so closing is quick
  let slack: FakeSlack;
  let trellis: TestTrellis;

  beforeAll(async () => {
    slack = await startFakeSlack();
    trellis = await startTrellis({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      TRELLIS_SLACK_POSTS_PER_SECOND: '1000',
    });
    await seedPartnership(trellis.store, MEMBERS);
  });
  afterAll(async () => {
    await trellis.close();
    await slack.close();
  });

  it('records and thanks every answer of a burst', async () => {
    const res = await slashCommand(trellis.url, {
      user_id: userIdOf(0),
      user_name: 'member0',
      ...BENCH_CHANNEL,
      text: 'survey now',
      response_url: slack.responseUrl('now'),
    });
    expect(res.status).toBe(200);
    await waitFor(() => slack.responses.find((r) => r.id === 'now'));
    const round = (await trellis.store.rounds(BENCH_PARTNERSHIP)).find((r) => !r.closedAt)!;
    await trellis.drain(); // every check-in DM out
    const deps = withDefaults({
      ...corePorts(trellis.store),
      clock: { now: () => new Date() },
      messenger: { sendPrivate: async () => undefined, sendToConversation: async () => undefined, update: async () => undefined },
      secret: TEST_SECRET,
    });
    const form = await openCheckIn(deps, { platform: 'slack', workspace: 'T0001', userId: userIdOf(1), displayName: '' }, round.id);
    if (!isForm(form)) throw new Error('the check-in did not open as a form');
    const view = renderFormModal(form.form) as { blocks: { block_id?: string; element?: { options?: { text: unknown; value: string }[] } }[] };
    const values = Object.fromEntries(
      round.itemIds.map((id) => [id, { value: { type: 'radio_buttons', selected_option: view.blocks.find((b) => b.block_id === id)!.element!.options![2] } }]),
    );
    const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');

    const acks = await Promise.all(
      Array.from({ length: MEMBERS }, async (_, i) => {
        const user = { id: userIdOf(i), username: `member${i}`, name: `member${i}`, team_id: 'T0001' };
        const r = await interaction(trellis.url, { ...base, trigger_id: `burst-${i}`, user, view: { ...base.view, ...view, state: { values } } });
        return { status: r.status, body: (await r.json()) as { response_action: string; view: unknown } };
      }),
    );
    expect(
      acks.every((a) => a.status === 200 && a.body.response_action === 'update' && JSON.stringify(a.body.view).includes('Thanks — your answers are in')),
    ).toBe(true);
    expect(await trellis.store.answerSets(round.id)).toHaveLength(MEMBERS);
  });
});
