// A command that needs words, given none in Slack, opens its form as a modal;
// the modal's submission runs the typed command: signed slash commands and
// view_submissions into the real server, with a fake Slack behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // coordinator
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' }; // member
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

type Block = { type: string; block_id?: string; label?: { text: string }; element?: Record<string, unknown> };
type View = { type: string; callback_id?: string; private_metadata?: string; title: { text: string }; submit?: unknown; blocks: Block[] };
type Ack = { response_action: 'update' | 'errors'; view?: View; errors?: Record<string, string> };
type Option = { text: unknown; value: string };

const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday
let slack: FakeSlack;
let trellis: TestTrellis;
let pid = '';

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
const { slash, run } = slackCommands<{ text: string; response_type: string }, View>(() => ({ trellis, slack }));
const dataFile = async () => {
  await trellis.drain();
  return trellis.data();
};

/** The view_submission Slack sends for `view` with these choices and texts; resolves with our ack body. */
async function submit(who: Who, view: View, answers: Record<string, string>): Promise<Ack> {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, v] of Object.entries(answers)) {
    const element = view.blocks.find((b) => b.block_id === blockId)?.element as { type?: string; options?: Option[] } | undefined;
    const type = element?.type ?? 'plain_text_input';
    const option = element?.options?.find((o) => o.value === v) ?? { text: { type: 'plain_text', text: v }, value: v };
    values[blockId] = { value: type === 'plain_text_input' ? { type, value: v } : { type, selected_option: option } };
  }
  const payload = {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, ...view, state: { values } },
  };
  const res = await interaction(trellis.url, payload);
  expect(res.status).toBe(200);
  return (await res.json()) as Ack;
}

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of [ALEX, SAM]) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('Slack: `survey schedule` with no words', () => {
  let view: View;

  it('sets up a partnership with a coordinator and a member', async () => {
    const setup = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text)![1]!;
    expect((await run(ALEX, CHANNEL, 'org add City Council public')).text).toContain('Added');
    for (const who of [ALEX, SAM]) expect((await run(who, dm(who), `join ${code} City Council`)).text).toContain('Riverside Partnership');
    pid = (await trellis.store.partnerships())[0]!.id;
  });

  it('opens the schedule form as a modal, showing the timezone', async () => {
    view = (await slash(ALEX, CHANNEL, 'survey schedule')).view!;
    expect(view).toMatchObject({ type: 'modal', callback_id: 'trellis-form', title: { text: 'Check-in schedule' }, submit: { text: 'Save' } });
    expect(JSON.parse(view.private_metadata!)).toEqual({ actionId: 'command-form-submit', context: `${pid}:survey schedule` });
    expect(view.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual(['frequency', 'day', 'time']);
    expect(JSON.stringify(view.blocks)).toContain('Europe/London');
  });

  it('refuses a bad time beside its field, setting nothing', async () => {
    const before = await dataFile();
    const ack = await submit(ALEX, view, { frequency: 'weekly', day: 'tuesday', time: '24:00' });
    expect(ack).toEqual({ response_action: 'errors', errors: { time: expect.stringContaining('"24:00" is not a time') } });
    expect(await dataFile()).toBe(before);
  });

  it('refuses a member, as `survey schedule` typed does', async () => {
    const { reply, view: none } = await slash(SAM, CHANNEL, 'survey schedule');
    expect(none).toBeUndefined();
    expect(reply!.text).toContain('Only coordinators can run check-ins');
    const before = await dataFile();
    const ack = await submit(SAM, view, { frequency: 'weekly', day: 'tuesday', time: '10:00' });
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view?.blocks)).toContain('Only coordinators can run check-ins');
    expect(await dataFile()).toBe(before);
  });

  it("the coordinator's submission sets the schedule", async () => {
    const ack = await submit(ALEX, view, { frequency: 'weekly', day: 'tuesday', time: '10:00' });
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view?.blocks)).toContain('every Tuesday at 10:00 (Europe/London)');
    expect((await trellis.store.partnership(pid))?.schedule).toMatchObject({ cadence: 'weekly', day: 'tuesday', time: '10:00' });
  });
});
