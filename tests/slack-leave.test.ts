// Leave and member remove on Slack, end to end: signed slash commands, clicks
// and modal submissions into the real server on a lowdb data file, the bot's
// calls captured by a fake Slack. Sam leaves through `/trellis leave` and its
// confirm button; the coordinator removes Kim, who is told in a DM; the last
// coordinator cannot go. Afterwards neither Sam's nor Kim's user id or name is
// in the data file or in anything logged during the whole run, and the
// published figures (the trends reply, the export CSV) are unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // the only coordinator
const SAM: Who = { user_id: 'U0SAMPATEL', user_name: 'sampatel', display: 'Sam Patel' }; // leaves
const KIM: Who = { user_id: 'U0KIMOSEI', user_name: 'kimosei', display: 'Kim Osei' }; // removed
const LEE: Who = { user_id: 'U0LEE', user_name: 'lee', display: 'Lee Novak' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });
/** What names the two who go, wherever it might be kept or logged. */
const TRACES = [SAM.user_id, SAM.display, 'Patel', KIM.user_id, KIM.display, 'Osei'];

type Element = { action_id: string; value: string; text: { text: string }; style?: string };
type Block = { type: string; block_id?: string; elements?: Element[] };
type Reply = { text: string; blocks: Block[] };
type View = { private_metadata?: string; blocks: Block[] } & Record<string, unknown>;

const clock = fakeClock('2026-11-23T09:00:00Z');
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;
let round: Round;
let trendsBefore = '';
let csvBefore = '';

const { run } = slackCommands<Reply, View>(() => ({ trellis, slack }));
const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });

const buttonIn = (reply: Reply, label: string): Element => {
  const found = reply.blocks.flatMap((b) => b.elements ?? []).find((e) => e.text?.text === label);
  if (!found) throw new Error(`no button "${label}" in ${JSON.stringify(reply)}`);
  return found;
};

/** A click in `who`'s DM with the bot: the modal it opened, or the response_url reply. */
async function click(who: Who, button: Pick<Element, 'action_id' | 'value'>): Promise<{ view?: View; reply?: Reply }> {
  const id = `r${++seq}`;
  const trigger = `trigger-${id}`;
  const base = fixture<Record<string, unknown>>('block-actions-dm');
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    channel: { id: `D${who.user_id}`, name: 'directmessage' },
    container: { ...(base.container as object), channel_id: `D${who.user_id}` },
    trigger_id: trigger,
    actions: [{ ...(base.actions as object[])[0], action_id: button.action_id, value: button.value }],
    response_url: slack.responseUrl(id),
  });
  expect(res.status).toBe(200);
  return waitFor(() => {
    const opened = slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger);
    const responded = slack.responses.find((r) => r.id === id);
    return opened ? { view: opened.body.view as View } : responded ? { reply: responded.body as unknown as Reply } : undefined;
  });
}

/** Answers the open check-in as `who`, through its modal. */
async function answer(who: Who, value: string) {
  const { view } = await click(who, { action_id: 'trellis:survey-open:0', value: round.id });
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values = Object.fromEntries(
    round.itemIds.map((id) => [id, { value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: value }, value } } }]),
  );
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, ...view, state: { values } },
  });
  expect(res.status).toBe(200);
  expect(JSON.stringify(await res.json())).toContain('your answers are in');
}

/** The published figures: the trends reply in the channel, and the export CSV behind the coordinator's link. */
async function figures(): Promise<{ trends: string; csv: string }> {
  const trends = JSON.stringify(await run(ALEX, CHANNEL, 'trends'));
  const link = /https?:\/\/\S+\/export\/\S+/.exec((await run(ALEX, dm(ALEX), 'export')).text)![0];
  const res = await fetch(link);
  expect(res.status).toBe(200);
  return { trends, csv: await res.text() };
}

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const w of [ALEX, SAM, KIM, LEE]) slack.users.set(w.user_id, w.display);
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('leaving on Slack', () => {
  it('sets up Riverside with four people who answer a check-in, and publishes its figures', async () => {
    const created = await run(ALEX, CHANNEL, 'setup Riverside');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(created.text)![1]!;
    await run(ALEX, CHANNEL, 'org add City Council public');
    for (const w of [ALEX, SAM, KIM, LEE]) expect((await run(w, dm(w), `join ${code} City Council`)).text).toContain('Riverside');
    await run(ALEX, CHANNEL, 'set threshold 3');
    await run(ALEX, CHANNEL, 'survey now');
    await trellis.drain();
    const pid = (await trellis.store.partnerships())[0]!.id;
    round = (await trellis.store.rounds(pid))[0]!;
    for (const [i, w] of [ALEX, SAM, KIM, LEE].entries()) await answer(w, String(2 + (i % 3)));
    await run(ALEX, CHANNEL, 'survey close');
    await trellis.drain();
    ({ trends: trendsBefore, csv: csvBefore } = await figures());
    expect(csvBefore.split('\n').length).toBeGreaterThan(1);
    // The search below would find them: their ids and names are stored while they are members.
    const data = await trellis.data();
    for (const t of [SAM.user_id, SAM.display, KIM.user_id, KIM.display]) expect(data).toContain(t);
  });

  it('asks Sam first on `/trellis leave`, and erases him on the confirm button', async () => {
    const asked = await run(SAM, dm(SAM), 'leave');
    expect(asked.text).toContain('Leave Riverside?');
    await trellis.drain();
    const before = await trellis.data();
    const stay = await click(SAM, buttonIn(asked, 'Stay'));
    expect(stay.reply!.text).toContain('Riverside');
    await trellis.drain();
    expect(await trellis.data()).toBe(before);

    const confirm = buttonIn(asked, 'Leave');
    expect(confirm.style).toBe('danger');
    const left = await click(SAM, confirm);
    expect(left.reply!.text).toContain('You have left Riverside');
    expect((await run(SAM, dm(SAM), 'members')).text).toContain('not in a partnership');
  });

  it('lets the coordinator remove Kim by mention, after asking; Kim is told in a DM that names no one', async () => {
    const asked = await run(ALEX, CHANNEL, `member remove <@${KIM.user_id}|${KIM.user_name}>`);
    expect(asked.text).toContain('Remove Kim Osei?');
    const removed = await click(ALEX, buttonIn(asked, 'Remove'));
    expect(removed.reply!.text).toContain('is removed from Riverside');
    await trellis.drain();
    const told = slack.messagesIn(KIM.user_id).map((m) => JSON.stringify(m));
    expect(told.some((m) => m.includes('You have been removed from Riverside by a coordinator'))).toBe(true);
    expect(told.join('\n')).not.toContain('Alex');
  });

  it('refuses the last coordinator, whether leaving or removing themself', async () => {
    await trellis.drain();
    const before = await trellis.data();
    expect((await run(ALEX, dm(ALEX), 'leave')).text).toContain('You are the only coordinator of Riverside');
    expect((await run(ALEX, CHANNEL, `member remove <@${ALEX.user_id}|alex>`)).text).toContain('You are the only coordinator of Riverside');
    // Lee, a member, may not remove anyone.
    expect((await run(LEE, CHANNEL, 'member remove Alex Morgan')).text).toContain('Only coordinators');
    await trellis.drain();
    expect(await trellis.data()).toBe(before);
  });

  it('leaves neither id nor name in the data file or the logs of the whole run; the published figures are unchanged', async () => {
    await trellis.drain();
    const data = await trellis.data();
    const logs = trellis.logs.join('\n');
    expect(logs).toContain('Trellis is listening');
    expect(TRACES.filter((t) => data.includes(t))).toEqual([]);
    // The logs name nobody at any point of the run: not those who went, nor those who stay.
    const everyone = [ALEX, SAM, KIM, LEE].flatMap((w) => [w.user_id, w.display]);
    expect(everyone.filter((t) => logs.includes(t))).toEqual([]);
    const after = await figures();
    expect(after.trends).toBe(trendsBefore);
    expect(after.csv).toBe(csvBefore);
  });
});
