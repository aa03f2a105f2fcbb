// `partnership close` in Slack, end to end: the signed slash command asks, the
// signed click on its "Close the partnership" button confirms, and the closing
// digest reaches the channel while a closing check-in reaches each member.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partnership, Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // coordinator
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' };
const KIM: Who = { user_id: 'U0KIM', user_name: 'kim', display: 'Kim Osei' };
const PEOPLE = [ALEX, SAM, KIM];
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

type Element = { action_id: string; value: string; text: { text: string }; style?: string };
type Reply = { text: string; blocks: { type: string; elements?: Element[] }[] };

const clock = fakeClock('2026-11-23T09:00:00Z');
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
const { run } = slackCommands<Reply>(() => ({ trellis, slack }));
const buttonsOf = (r: Reply) => r.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
const data = async () => JSON.parse(await trellis.data()) as { partnerships: Partnership[]; rounds: Round[] };

/** A signed click on a button of a reply in the person's DM; resolves with what came back through its response_url. */
async function click(who: Who, element: Element): Promise<{ text: string }> {
  const id = `r${++seq}`;
  const base = fixture<Record<string, unknown>>('block-actions-dm');
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    channel: { id: `D${who.user_id}`, name: 'directmessage' },
    container: { ...(base.container as object), channel_id: `D${who.user_id}` },
    trigger_id: `trigger-${id}`,
    actions: [{ ...(base.actions as object[])[0], action_id: element.action_id, value: element.value }],
    response_url: slack.responseUrl(id),
  });
  expect(res.status).toBe(200);
  return waitFor(() => slack.responses.find((r) => r.id === id)?.body as { text: string } | undefined);
}

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of PEOPLE) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('partnership close in Slack', () => {
  it('asks, refuses a member, and on the coordinator’s click closes: digest to the channel, closing check-in to each member', async () => {
    const setup = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text)![1]!;
    await run(ALEX, CHANNEL, 'org add City Council public');
    for (const who of PEOPLE) await run(who, dm(who), `join ${code} city council`);
    await trellis.drain();

    expect((await run(SAM, CHANNEL, 'partnership close')).text).toContain('Only coordinators can close the partnership');
    const asked = await run(ALEX, CHANNEL, 'partnership close');
    expect(asked.text).toContain('Close Riverside Partnership?');
    expect((await data()).partnerships[0]!.closedAt).toBeUndefined();
    const confirm = buttonsOf(asked).find((e) => e.text.text === 'Close the partnership')!;
    expect(confirm.style).toBe('danger');

    // Sam clicking the coordinator's button is refused as typing it would be.
    expect((await click(SAM, confirm)).text).toContain('Only coordinators');
    expect((await data()).partnerships[0]!.closedAt).toBeUndefined();

    const mark = slack.calls.length;
    expect((await click(ALEX, confirm)).text).toContain('Riverside Partnership is closed');
    await trellis.drain();
    const after = await data();
    expect(after.partnerships[0]!.closedAt).toBe('2026-11-23T09:00:00.000Z');
    expect(after.rounds.map((r) => r.kind)).toEqual(['closing']);
    const posts = slack.calls.slice(mark).filter((c) => c.method === 'chat.postMessage');
    const digest = posts.filter((c) => c.body.channel === CHANNEL.channel_id && JSON.stringify(c.body).includes('closing digest'));
    expect(digest).toHaveLength(1);
    expect(JSON.stringify(digest[0]!.body)).not.toContain('/export/');
    const checkIns = posts.filter((c) => JSON.stringify(c.body).includes('closing check-in'));
    expect(checkIns.length).toBe(PEOPLE.length);

    expect((await run(ALEX, CHANNEL, 'survey now')).text).toContain('Riverside Partnership was closed on 23 Nov 2026');
    expect(trellis.logs.join('\n')).not.toMatch(/Alex Morgan|Sam Patel|Kim Osei/);
  });
});
