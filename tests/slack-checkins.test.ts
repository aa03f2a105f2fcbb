// Slack check-ins end to end: signed slash commands, clicks and modal
// submissions into the real server; DMs, modals and updates captured by a
// fake Slack; time moved by a fake clock and `tick()`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankFor } from '../src/core/survey/bank.js';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, event, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { outgoingOf, queuedDelivery, slackPostOf } from './helpers/outbox.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // coordinator
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' };
const KIM: Who = { user_id: 'U0KIM', user_name: 'kim', display: 'Kim Osei' };
const LEE: Who = { user_id: 'U0LEE', user_name: 'lee', display: 'Lee Novak' };
const PAT: Who = { user_id: 'U0PAT', user_name: 'pat', display: 'Pat Quinn' }; // critical friend: not surveyed
const EVE: Who = { user_id: 'U0EVE', user_name: 'eve', display: 'Eve Stranger' }; // in no partnership
const PEOPLE = [ALEX, SAM, KIM, LEE, PAT, EVE];
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

const ALEX_COMMENT = 'The referral meeting felt rushed: marker-heron-4471';
const ALEX_CHANGED = 'Better after we agreed the agenda: marker-otter-9902';
const KIM_COMMENT = 'Funding talk is tense: marker-finch-3318';
const DAY = 24 * 60 * 60 * 1000;

const clock = fakeClock('2026-11-23T09:00:00Z');
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;
let round: Round;
let statements: Map<string, string>;

type Block = {
  type: string;
  block_id?: string;
  label?: { text: string };
  element?: Record<string, unknown>;
  elements?: { action_id: string; value: string; text: { text: string } }[];
};
type View = { type: string; callback_id?: string; private_metadata?: string; title: { text: string }; submit?: unknown; blocks: Block[] };
type Ack = { response_action: 'update' | 'errors'; view?: View; errors?: Record<string, string> };

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
const calls = (method: string, from = 0) => slack.calls.slice(from).filter((c) => c.method === method);
const json = (x: unknown) => JSON.stringify(x);

const { run } = slackCommands<{ text: string; blocks: Block[] }>(() => ({ trellis, slack }));

/** A click on a check-in DM's button; resolves with the modal opened for it (or the response_url reply). */
async function clickInDm(who: Who, actionId: string, value: string) {
  const id = `r${++seq}`;
  const trigger = `trigger-${id}`;
  const base = fixture<Record<string, unknown>>('block-actions-dm');
  const action = { ...(base.actions as object[])[0], action_id: actionId, value };
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    channel: { id: `D${who.user_id}`, name: 'directmessage' },
    container: { ...(base.container as object), channel_id: `D${who.user_id}` },
    trigger_id: trigger,
    actions: [action],
    response_url: slack.responseUrl(id),
  });
  expect(res.status).toBe(200);
  return waitFor(() => {
    const opened = slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger);
    const responded = slack.responses.find((r) => r.id === id);
    return opened ? { view: opened.body.view as View, id } : responded ? { response: responded.body as { text: string; response_type: string } } : undefined;
  });
}

/** A click in App Home: no channel, no response_url, only a trigger_id. */
async function clickInHome(who: Who, actionId: string, value: string): Promise<View> {
  const trigger = `trigger-home-${++seq}`;
  const base = fixture<Record<string, unknown>>('block-actions-home');
  const action = { ...(base.actions as object[])[0], action_id: actionId, value };
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    trigger_id: trigger,
    actions: [action],
  });
  expect(res.status).toBe(200);
  return (await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as View;
}

type Answers = Record<string, string | null>;

/** The view_submission Slack sends for `view` with these inputs; resolves with our ack body. */
async function submit(who: Who, view: View, answers: Answers, override: { private_metadata?: string } = {}): Promise<Ack> {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, v] of Object.entries(answers)) {
    const block = view.blocks.find((b) => b.block_id === blockId);
    const element = block?.element as { type?: string; options?: { text: unknown; value: string }[] } | undefined;
    values[blockId] =
      element?.type === 'plain_text_input'
        ? { value: { type: 'plain_text_input', value: v } }
        : {
            value: {
              type: 'radio_buttons',
              selected_option: v === null ? null : (element?.options?.find((o) => o.value === v) ?? { text: { type: 'plain_text', text: v }, value: v }),
            },
          };
  }
  const payload = {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, ...view, private_metadata: override.private_metadata ?? view.private_metadata, state: { values } },
  };
  const res = await interaction(trellis.url, payload);
  expect(res.status).toBe(200);
  return (await res.json()) as Ack;
}

const itemIds = () => round.itemIds;
const allAnswered = (value: string, comment?: string): Answers => ({
  ...Object.fromEntries(itemIds().map((id) => [id, value])),
  ...(comment ? { comment } : {}),
});
const storedSets = async () =>
  ((JSON.parse(await trellis.data()) as { answerSets: { roundId: string }[] }).answerSets ?? []).filter((a) => a.roundId === round.id);
const delivery = async (w: Who) => {
  const member = (await trellis.store.membershipsOf({ platform: 'slack', workspace: 'T0001', userId: w.user_id }))[0]!;
  return (await trellis.store.invitations(round.id)).find((i) => i.memberId === member.id)?.delivery;
};
/** Where Slack says the check-in DM to `w` landed: the message its stored handle was delivered as. */
const landed = async (w: Who) => slackPostOf(slack, await delivery(w));
const viewText = (v: View | undefined) => json(v?.blocks ?? []);
const homeButton = (view: unknown, label: string) => {
  const actions = (view as View).blocks.find((b) => b.type === 'actions')!;
  return actions.elements!.find((e) => e.text.text.includes(label))!;
};

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of PEOPLE) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('Slack check-ins', () => {
  let alexView: View;

  it('sets up a partnership of two organisations with four members and a critical friend', async () => {
    const setup = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text)![1]!;
    expect((await run(ALEX, CHANNEL, 'org add City Council public')).text).toContain('Added City Council');
    expect((await run(ALEX, CHANNEL, 'org add Hope Trust voluntary')).text).toContain('Added Hope Trust');
    for (const [who, org] of [
      [SAM, 'city council'],
      [KIM, 'hope trust'],
      [LEE, 'hope trust'],
      [PAT, 'city council'],
    ] as const) {
      expect((await run(who, dm(who), `join ${code} ${org}`)).text).toContain(`Welcome to *Riverside Partnership*, ${who.display}`);
    }
    expect((await run(ALEX, CHANNEL, 'role <@U0PAT|pat> critical-friend')).text).toContain('Pat Quinn is now a critical friend');
    await trellis.drain(); // its announcement in the channel goes out before the check-ins are counted
  });

  it('`survey now` DMs each member but the critical friend an answer button, and no answers', async () => {
    const mark = slack.calls.length;
    const opened = await run(ALEX, CHANNEL, 'survey now');
    expect(opened.text).toContain('Check-in #1 is open');
    expect(opened.text).toContain('sent privately to 4 members');
    await trellis.drain();

    const [p] = await trellis.store.partnerships();
    const rounds = await trellis.store.rounds(p!.id);
    expect(rounds).toHaveLength(1);
    round = rounds[0]!;
    const bank = bankFor(await trellis.store.customItems(p!.id));
    statements = new Map(round.itemIds.map((id) => [id, bank.item(id)!.text]));
    expect(statements.size).toBeGreaterThanOrEqual(3);

    const sent = calls('chat.postMessage', mark);
    expect(sent.map((c) => c.body.channel).sort()).toEqual(['U0ALEX', 'U0KIM', 'U0LEE', 'U0SAM']);
    for (const c of sent) {
      const buttons = (c.body.blocks as Block[]).find((b) => b.type === 'actions')!.elements!;
      expect(buttons).toEqual([
        expect.objectContaining({ action_id: 'trellis:survey-open:0', value: round.id, text: expect.objectContaining({ text: 'Answer (1 minute)' }) }),
      ]);
      const shown = `${String(c.body.text)} ${json(c.body.blocks)}`;
      expect(shown).toContain('Riverside Partnership: check-in #1');
      for (const text of statements.values()) expect(shown).not.toContain(text);
      expect(shown).not.toMatch(/Strongly|Prefer not to say/);
      for (const p of PEOPLE) expect(shown).not.toContain(p.display);
    }
    // A handle for each DM is kept, so it can be updated later; each DM carries its own.
    expect(await delivery(ALEX)).toEqual(queuedDelivery('slack'));
    expect(new Set(sent.map(outgoingOf)).size).toBe(4);
    for (const w of [ALEX, SAM, KIM, LEE]) expect((await landed(w))?.call.body.channel).toBe(w.user_id);
    expect(await landed(ALEX)).toMatchObject({ channel: 'DU0ALEX', ts: expect.stringMatching(/^\d+\.\d{6}$/) });
  });

  it("opens the check-in as a modal of the round's statements when the DM button is clicked", async () => {
    const clicked = await clickInDm(ALEX, 'trellis:survey-open:0', round.id);
    alexView = clicked.view!;
    expect(alexView).toMatchObject({ type: 'modal', callback_id: 'trellis-form', title: { text: 'Check-in #1' }, submit: { text: 'Submit' } });
    expect(JSON.parse(alexView.private_metadata!)).toEqual({ actionId: 'survey-submit', context: round.id });
    const inputs = alexView.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual([...round.itemIds, 'comment']);
    for (const id of round.itemIds) {
      const block = inputs.find((b) => b.block_id === id)!;
      expect(block.label!.text).toBe(statements.get(id));
      expect(block.element).toMatchObject({ type: 'radio_buttons', action_id: 'value' });
      expect((block.element!.options as { value: string }[]).map((o) => o.value)).toEqual(['5', '4', '3', '2', '1', 'skip']);
      expect(block.element!.initial_option).toBeUndefined();
    }
    const comment = inputs.find((b) => b.block_id === 'comment')!;
    expect(comment).toMatchObject({ optional: true, element: { type: 'plain_text_input', multiline: true, max_length: 1000 } });
    // The form goes to the modal only: nothing is posted back to the conversation.
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses.some((r) => r.id === clicked.id)).toBe(false);
  });

  it('records a submit, thanks in the modal, updates the DM to a content-free "Answered" and refreshes App Home', async () => {
    const mark = slack.calls.length;
    const ack = await submit(ALEX, alexView, allAnswered('4', ALEX_COMMENT));
    expect(ack.response_action).toBe('update');
    expect(ack.view!.submit).toBeUndefined();
    expect(viewText(ack.view)).toContain('Thanks — your answers are in');
    await trellis.drain();

    const updated = await waitFor(() => calls('chat.update', mark)[0]);
    const d = (await landed(ALEX))!;
    expect(updated.body).toMatchObject({ channel: 'DU0ALEX', ts: d.ts });
    expect(String(updated.body.text)).toContain('Answered');
    expect(json(updated.body)).not.toContain(ALEX_COMMENT);
    expect(json(updated.body)).not.toMatch(/Strongly|"Agree"/);

    const home = await waitFor(() => calls('views.publish', mark).find((c) => c.body.user_id === 'U0ALEX'));
    expect(json(home.body.view)).toContain('Riverside Partnership: see or change my answers');

    const sets = await storedSets();
    expect(sets).toHaveLength(1);
    // Alex is independent (no organisation): the set holds the round, a keyed hash, values, comment and a sealed group (empty, but like anyone's).
    expect(sets[0]).toEqual({
      roundId: round.id,
      key: expect.stringMatching(/^[0-9a-f]{64}$/),
      group: expect.any(String),
      values: Object.fromEntries(itemIds().map((id) => [id, 4])),
      comment: ALEX_COMMENT,
    });
    expect((await run(ALEX, CHANNEL, 'survey status')).text).toContain('1 of 4 answered');
  });

  it('keeps one answer set through a retried or double-clicked submit, and replaces it on a change', async () => {
    const again = await Promise.all([submit(ALEX, alexView, allAnswered('4', ALEX_COMMENT)), submit(ALEX, alexView, allAnswered('4', ALEX_COMMENT))]);
    expect(again.map((a) => a.response_action)).toEqual(['update', 'update']);
    expect(await storedSets()).toHaveLength(1);

    expect((await submit(ALEX, alexView, allAnswered('2', ALEX_CHANGED))).response_action).toBe('update');
    const sets = (await storedSets()) as unknown as { values: Record<string, number>; comment: string }[];
    expect(sets).toHaveLength(1);
    expect(sets[0]!.values).toEqual(Object.fromEntries(itemIds().map((id) => [id, 2])));
    expect(sets[0]!.comment).toBe(ALEX_CHANGED);
    expect((await run(ALEX, CHANNEL, 'survey status')).text).toContain('1 of 4 answered');

    // Reopened, the modal shows the person their own answers (and only there).
    const reopened = (await clickInDm(ALEX, 'trellis:survey-open:0', round.id)).view!;
    for (const id of itemIds()) expect(reopened.blocks.find((b) => b.block_id === id)!.element!.initial_option).toMatchObject({ value: '2' });
    expect(reopened.blocks.find((b) => b.block_id === 'comment')!.element!.initial_value).toBe(ALEX_CHANGED);
  });

  it('still records an answer when the DM cannot be updated (deleted message)', async () => {
    const view = (await clickInDm(SAM, 'trellis:survey-open:0', round.id)).view!;
    // Alex's earlier updates go out first (one a second in a DM): only Sam's meets the deleted message.
    await trellis.drain();
    const mark = slack.calls.length;
    slack.fail.set('chat.update', 'message_not_found');
    try {
      const [first, ...rest] = itemIds();
      const ack = await submit(SAM, view, { [first!]: 'skip', ...Object.fromEntries(rest.map((id) => [id, '5'])) });
      expect(ack.response_action).toBe('update');
      expect(viewText(ack.view)).toContain('Thanks — your answers are in');
      const dropped = await waitFor(() => {
        const lines = trellis.logs.filter((l) => l.includes('Outgoing message dropped') && l.includes('"kind":"update"'));
        return lines.length ? lines : undefined;
      });
      expect(dropped).toHaveLength(1);
      expect(dropped[0]).toContain('message_not_found');
      expect(calls('chat.update', mark).map((c) => c.body)).toEqual([expect.objectContaining({ channel: 'DU0SAM', ts: (await landed(SAM))!.ts })]);
    } finally {
      slack.fail.delete('chat.update');
    }
    expect(await storedSets()).toHaveLength(2);
    expect((await run(SAM, dm(SAM), 'survey status')).text).toContain('2 of 4 answered');
  });

  describe('refuses bad input, recording nothing', () => {
    let leeView: View;
    let before: string;
    beforeAll(async () => {
      leeView = (await clickInDm(LEE, 'trellis:survey-open:0', round.id)).view!;
    });
    const unchanged = async () => {
      expect(json(await storedSets())).toBe(before);
    };
    it('a value outside the scale, or a statement left unanswered: errors beside those fields', async () => {
      before = json(await storedSets());
      const [first, second] = itemIds();
      const ack = await submit(LEE, leeView, { ...allAnswered('3'), [first!]: '7' });
      expect(ack.response_action).toBe('errors');
      expect(ack.errors).toEqual({ [first!]: expect.stringContaining('"7" is not on the scale') });
      const missing = await submit(LEE, leeView, { ...allAnswered('3'), [second!]: null });
      expect(missing).toEqual({ response_action: 'errors', errors: { [second!]: expect.stringContaining('Choose an answer') } });
      await unchanged();
    });
    it('an answer to a block the check-in does not ask', async () => {
      const ack = await submit(LEE, leeView, { ...allAnswered('3'), 'forged-item': '5' });
      expect(ack.response_action).toBe('update');
      expect(ack.view!.submit).toBeUndefined();
      expect(viewText(ack.view)).toContain('statements this check-in does not ask');
      await unchanged();
    });
    it.each([
      ['not JSON', 'round=all'],
      ['the wrong shape', '{"actionId":42}'],
    ])('forged private_metadata (%s): "not recognised"', async (_name, forged) => {
      const ack = await submit(LEE, leeView, allAnswered('3'), { private_metadata: forged });
      expect(ack.response_action).toBe('update');
      expect(viewText(ack.view)).toContain('did not recognise this form, so nothing was recorded');
      await unchanged();
    });
    it('forged private_metadata naming another action or round', async () => {
      const otherAction = await submit(LEE, leeView, allAnswered('3'), { private_metadata: json({ actionId: 'delete-everything', context: round.id }) });
      expect(viewText(otherAction.view)).toContain('That form is not one Trellis knows; nothing was recorded');
      const otherRound = await submit(LEE, leeView, allAnswered('3'), { private_metadata: json({ actionId: 'survey-submit', context: 'not-a-round' }) });
      expect(viewText(otherRound.view)).toContain("isn't one you can answer");
      await unchanged();
    });
    it('a submit from someone outside the partnership, or the critical friend who was not asked', async () => {
      const outsider = await submit(EVE, leeView, allAnswered('1', 'sneaky'));
      expect(outsider.response_action).toBe('update');
      expect(viewText(outsider.view)).toContain("isn't one you can answer");
      const friend = await submit(PAT, leeView, allAnswered('1'));
      expect(viewText(friend.view)).toContain('as the critical friend you stand outside them');
      await unchanged();
    });
  });

  it('reminds only those who have not answered, once, naming nobody', async () => {
    clock.advance(48 * 60 * 60 * 1000 + 60_000);
    const mark = slack.calls.length;
    await trellis.tick();
    const reminders = calls('chat.postMessage', mark);
    expect(reminders.map((c) => c.body.channel).sort()).toEqual(['U0KIM', 'U0LEE']);
    for (const r of reminders) {
      const shown = `${String(r.body.text)} ${json(r.body.blocks)}`;
      expect(shown).toContain('A reminder');
      for (const p of PEOPLE) {
        expect(shown).not.toContain(p.display);
        expect(shown).not.toContain(p.user_id);
      }
    }
    await trellis.tick();
    expect(calls('chat.postMessage', mark)).toHaveLength(2);
  });

  it('works from App Home: the overview button opens the modal, and the label follows the answer', async () => {
    const mark = slack.calls.length;
    const home = fixture<Record<string, unknown>>('app-home-opened');
    expect((await event(trellis.url, { ...home, event: { ...(home.event as object), user: KIM.user_id } })).status).toBe(200);
    const published = await waitFor(() => calls('views.publish', mark).find((c) => c.body.user_id === KIM.user_id));
    const button = homeButton(published.body.view, 'answer check-in #1');
    expect(button.value).toBe(round.id);

    const view = await clickInHome(KIM, button.action_id, button.value);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'trellis-form' });
    const ack = await submit(KIM, view, allAnswered('3', KIM_COMMENT));
    expect(ack.response_action).toBe('update');
    expect(await storedSets()).toHaveLength(3);
    const update = await waitFor(() => calls('chat.update', mark).find((c) => c.body.channel === 'DU0KIM'));
    expect(String(update.body.text)).toContain('Answered');
    const republished = await waitFor(() => calls('views.publish', mark).filter((c) => c.body.user_id === KIM.user_id)[1]);
    expect(json(republished.body.view)).toContain('Riverside Partnership: see or change my answers');
    expect(json(republished.body.view)).not.toContain('answer check-in #1');
  });

  it('closes after the window, updating only the unanswered DM to "closed"', async () => {
    clock.advance(3 * DAY);
    const mark = slack.calls.length;
    await trellis.tick();
    const data = JSON.parse(await trellis.data()) as { rounds: Round[] };
    expect(data.rounds.find((r) => r.id === round.id)!.closedAt).toBeDefined();
    const updates = calls('chat.update', mark);
    expect(updates.map((u) => u.body.channel)).toEqual(['DU0LEE']);
    expect(updates[0]!.body).toMatchObject({ ts: (await landed(LEE))!.ts });
    expect(String(updates[0]!.body.text)).toContain('has closed');
    const status = await run(ALEX, CHANNEL, 'survey status');
    expect(status.text).toContain('closed');
    expect(status.text).toContain('3 of 4 answered');
  });

  it('refuses answers after the close: a submit, a DM click, an App Home click', async () => {
    const before = json(await storedSets());
    const lee = await submit(LEE, alexView, allAnswered('5'));
    expect(lee.response_action).toBe('update');
    expect(viewText(lee.view)).toContain('closed');
    expect(viewText(lee.view)).toContain('nothing was recorded');
    const kimChange = await submit(KIM, alexView, allAnswered('1'));
    expect(viewText(kimChange.view)).toContain('nothing was recorded');
    expect(json(await storedSets())).toBe(before);

    // In a DM the refusal comes back privately through response_url …
    const inDm = await clickInDm(ALEX, 'trellis:survey-open:0', round.id);
    expect(inDm.view).toBeUndefined();
    expect(inDm.response!.response_type).toBe('ephemeral');
    expect(inDm.response!.text).toContain('closed');
    // … and in App Home (no response_url) as a read-only modal.
    const inHome = await clickInHome(KIM, 'trellis:survey-open:0', round.id);
    expect(inHome.callback_id).toBeUndefined();
    expect(inHome.submit).toBeUndefined();
    expect(viewText(inHome)).toContain('closed');
  });

  it('drops DMs Slack refuses (logged without the person, never retried), and those members can still answer from App Home', async () => {
    slack.fail.set('chat.postMessage', 'channel_not_found');
    try {
      // Slack cannot say in advance who is unreachable: the check-ins are queued, and refused on delivery.
      const opened = await run(ALEX, CHANNEL, 'survey now');
      await trellis.drain();
      expect(opened.text).toContain('sent privately to 4 members');
    } finally {
      slack.fail.delete('chat.postMessage');
    }
    const failed = trellis.logs.filter((l) => l.includes('Outgoing message dropped') && l.includes('"kind":"private"'));
    expect(failed.length).toBe(4);
    for (const line of failed) for (const p of PEOPLE) expect(line).not.toContain(p.user_id);
    const [p] = await trellis.store.partnerships();
    const second = (await trellis.store.rounds(p!.id)).find((r) => r.number === 2)!;
    for (const i of await trellis.store.invitations(second.id)) expect((await trellis.store.outgoing(String(i.delivery!.outgoing)))?.status).toBe('failed');
    await trellis.drain();
    // One attempt each: a refusal is final.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && String(c.body.text).includes('check-in #2'))).toHaveLength(4);
    // The coordinator is told how many, never who.
    const status = json(await run(ALEX, CHANNEL, 'survey status'));
    expect(status).toContain('Not delivered');
    expect(status).toContain('4 check-ins refused by the platform');
    expect(status).not.toContain('Still being sent');
    for (const p of PEOPLE) expect(status).not.toContain(p.user_id);

    const view = await clickInHome(SAM, 'trellis:survey-open:0', second.id);
    expect(JSON.parse(view.private_metadata!)).toEqual({ actionId: 'survey-submit', context: second.id });
  });

  it('keeps answers unlinkable to people in the data file, and out of the logs', async () => {
    const data = JSON.parse(await trellis.data()) as { answerSets: { roundId: string }[]; members: { id: string }[] };
    const sets = data.answerSets.filter((a) => a.roundId === round.id);
    expect(sets).toHaveLength(3);
    const forbidden = [...PEOPLE.flatMap((p) => [p.user_id, p.display, p.user_name]), ...data.members.map((m) => m.id)];
    for (const set of sets) for (const f of forbidden) expect(json(set)).not.toContain(f);

    const logs = trellis.logs.join('\n');
    for (const comment of [ALEX_COMMENT, ALEX_CHANGED, KIM_COMMENT]) expect(logs).not.toContain(comment);
    for (const marker of ['marker-heron', 'marker-otter', 'marker-finch', 'selected_option', 'initial_option', 'initial_value'])
      expect(logs).not.toContain(marker);
    // The log level is debug here: Bolt's payload-carrying debug lines are withheld entirely.
    expect(logs).not.toMatch(/http request (body|result)/);
    expect(logs).not.toContain(BOT_TOKEN);
  });

  it("runs the coordinator's console from App Home as them, and the Home then catches up with what it changed", async () => {
    const mark = slack.calls.length;
    const home = fixture<Record<string, unknown>>('app-home-opened');
    await event(trellis.url, { ...home, event_id: 'Ev0HOMECONSOLE', event: { ...(home.event as object), user: ALEX.user_id } });
    const published = await waitFor(() => calls('views.publish', mark).find((c) => c.body.user_id === ALEX.user_id));
    // The round the test before opened is still open: the console offers to close it, not to open one.
    expect(json(published.body.view)).not.toContain('Open one now');
    const buttons = (published.body.view as View).blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements!);
    const close = buttons.find((e) => e.text.text === 'Close it now')!;

    // Fewer than the threshold answered, so it asks first: its confirmation is a button in the modal shown.
    const asked = await clickInHome(ALEX, close.action_id, close.value);
    expect(asked).toMatchObject({ type: 'modal' });
    const anyway = asked.blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements!)
      .find((e) => e.text.text === 'Close anyway')!;
    expect(await clickInHome(ALEX, anyway.action_id, anyway.value)).toMatchObject({ type: 'modal' });
    const data = JSON.parse(await trellis.data()) as { rounds: Round[] };
    expect(data.rounds.every((r) => r.closedAt)).toBe(true);
    const republished = await waitFor(() => calls('views.publish', mark).filter((c) => c.body.user_id === ALEX.user_id)[1]);
    expect(json(republished.body.view)).toContain('Open one now');
    expect(json(republished.body.view)).not.toContain('Close it now');
  });
});
