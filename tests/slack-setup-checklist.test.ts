// The set-up checklist in Slack, end to end: `setup` in a channel posts the
// checklist to the coordinator's DM (the reply stays in the channel), each
// step done is a chat.update of that same message, and its "Choose my
// organisation" button opens a modal whose submit runs `join`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack, type SlackMessage } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { slackPostOf } from './helpers/outbox.js';

const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
const SAM = { user_id: 'U0SAM', user_name: 'sam' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };

type Block = { type: string; block_id?: string; element?: { options?: { value: string; text: { text: string } }[] }; elements?: ButtonElement[] };
type ButtonElement = { action_id: string; value: string; text: { text: string } };
type View = { type: string; callback_id?: string; private_metadata?: string; title: { text: string }; blocks: Block[] };

let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
const { run } = slackCommands<{ response_type: string; text: string }>(() => ({ trellis, slack }));
const calls = (method: string, from = 0) => slack.calls.slice(from).filter((c) => c.method === method);
const json = (x: unknown) => JSON.stringify(x);

/** Where the checklist landed, as Slack keeps it now (chat.update changes it in place). */
async function checklist(): Promise<{ channel: string; ts: string; now: SlackMessage }> {
  const [p] = await trellis.store.partnerships();
  const landed = slackPostOf(slack, p?.setupChecklist?.delivery);
  if (!landed) throw new Error('the checklist has not landed');
  const now = slack.messagesIn(landed.channel).find((m) => m.ts === landed.ts)!;
  return { channel: landed.channel, ts: landed.ts, now };
}
const buttonsOf = (m: SlackMessage) => ((m.blocks ?? []) as Block[]).flatMap((b) => (b.type === 'actions' ? b.elements! : []));

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.users.set('U0ALEX', 'Alex Morgan');
  slack.users.set('U0SAM', 'Sam Patel');
  trellis = await startTrellis(env());
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('Slack set-up checklist', () => {
  it("posts the checklist to the coordinator's DM, while the setup reply goes to the channel", async () => {
    const reply = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    expect(reply.response_type).toBe('in_channel');
    expect(reply.text).toContain('Alex Morgan: your set-up checklist is in your private chat with Trellis.');
    await trellis.drain();
    const post = calls('chat.postMessage').find((c) => json(c.body.blocks).includes('Set up Riverside Partnership'))!;
    expect(post.body.channel).toBe('U0ALEX');
    const { channel, now } = await checklist();
    expect(channel).toBe('DU0ALEX');
    expect(now.text).toContain('0 of 5 done');
    expect(json(now.blocks)).toContain('⬜ *Add the partner organisations*');
    expect(buttonsOf(now).map((b) => b.text.text)).toEqual([
      'Add an organisation',
      'Choose my organisation',
      'Add someone by email',
      'Choose a critical friend',
      'Schedule check-ins',
    ]);
    expect(slack.messagesIn(CHANNEL.channel_id).some((m) => json(m.blocks).includes('Set up Riverside'))).toBe(false);
  });

  it('ticks a step with chat.update of that same message', async () => {
    const mark = slack.calls.length;
    await run(ALEX, CHANNEL, 'org add City Council public');
    await run(ALEX, CHANNEL, 'org add Health Trust public');
    await trellis.drain();
    const { ts, now } = await checklist();
    const updates = await waitFor(() => calls('chat.update', mark).length > 0 && calls('chat.update', mark));
    expect(updates.map((c) => [c.body.channel, c.body.ts])).toEqual([['DU0ALEX', ts]]);
    expect(json(now.blocks)).toContain('✅ *Add the partner organisations*');
    expect(now.text).toContain('1 of 5 done');
    expect(buttonsOf(now).map((b) => b.text.text)).not.toContain('Add an organisation');
    expect(calls('chat.postMessage', mark).filter((c) => json(c.body.blocks).includes('Set up Riverside'))).toEqual([]);
  });

  it('opens "Which organisation are you in?" from its button, and ticks when it is saved', async () => {
    const { now } = await checklist();
    const button = buttonsOf(now).find((b) => b.text.text === 'Choose my organisation')!;
    const trigger = `trigger-${++seq}`;
    const base = fixture<Record<string, unknown>>('block-actions-dm');
    await interaction(trellis.url, {
      ...base,
      user: { id: ALEX.user_id, username: ALEX.user_name, name: ALEX.user_name, team_id: 'T0001' },
      channel: { id: 'DU0ALEX', name: 'directmessage' },
      container: { ...(base.container as object), channel_id: 'DU0ALEX' },
      trigger_id: trigger,
      actions: [{ ...(base.actions as object[])[0], action_id: button.action_id, value: button.value }],
      response_url: slack.responseUrl(`click-${seq}`),
    });
    const view = (await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as View;
    expect(view.title.text).toBe('Your organisation');
    const choice = view.blocks.find((b) => b.block_id === 'organisation')!;
    const trust = choice.element!.options!.find((o) => o.text.text === 'Health Trust')!;

    const mark = slack.calls.length;
    const submitted = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
    const res = await interaction(trellis.url, {
      ...submitted,
      user: { id: ALEX.user_id, username: ALEX.user_name, name: ALEX.user_name, team_id: 'T0001' },
      view: {
        ...submitted.view,
        ...view,
        state: { values: { organisation: { value: { type: 'static_select', selected_option: trust } } } },
      },
    });
    expect(json(await res.json())).toContain('your organisation is now Health Trust');
    await trellis.drain();
    await waitFor(() => calls('chat.update', mark).length > 0);
    const { now: after } = await checklist();
    expect(json(after.blocks)).toContain('✅ *Join your own organisation*');
    expect(after.text).toContain('2 of 5 done');
  });

  it('ticks "Invite partners" when a partner joins from their own DM', async () => {
    const { now } = await checklist();
    const code = /`([A-Z2-9]{4}-[A-Z2-9]{4})`/.exec(json(now.blocks))![1]!;
    expect((await run(SAM, { channel_id: 'D0SAM', channel_name: 'directmessage' }, `join ${code} city council`)).text).toContain('Welcome');
    await trellis.drain();
    const { now: after } = await checklist();
    expect(json(after.blocks)).toContain('✅ *Invite partners*');
    expect(after.text).toContain('3 of 5 done');
  });
});
