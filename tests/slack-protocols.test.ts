// Slack protocol register and reviews end to end: signed slash commands,
// clicks and modal submissions into the real server; modals, DMs and
// reminders captured by a fake Slack; time moved by a fake clock and `tick()`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Form } from '../src/core/message.js';
import { renderFormModal } from '../src/adapters/slack/render-modal.js';
import { readValues } from '../src/adapters/slack/slack-forms.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, event, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // coordinator, independent
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' }; // City Council
const KIM: Who = { user_id: 'U0KIM', user_name: 'kim', display: 'Kim Osei' }; // Hope Trust, the protocol's owner
const LEE: Who = { user_id: 'U0LEE', user_name: 'lee', display: 'Lee Novak' }; // Hope Trust
const RAY: Who = { user_id: 'U0RAY', user_name: 'ray', display: 'Ray Dunn' }; // Police Service: not a party
const PEOPLE = [ALEX, SAM, KIM, LEE, RAY];
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });
const LINK = 'https://docs.example.org/information-sharing';
const SAM_COMMENT = 'Consent forms differ between teams: marker-wren-5521';

type Element = { type: string; action_id: string; value?: string; url?: string; text: { text: string } };
type Block = { type: string; block_id?: string; optional?: boolean; label?: { text: string }; element?: Record<string, unknown>; elements?: Element[] };
type View = { type: string; callback_id?: string; private_metadata?: string; title: { text: string }; submit?: unknown; blocks: Block[] };
type Ack = { response_action: 'update' | 'errors'; view?: View; errors?: Record<string, string> };
type Option = { text: unknown; value: string };

const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday, 09:00 in Europe/London
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;
let pid = '';
let orgs: Record<'city' | 'hope' | 'police', string>;
let kimMember = '';

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
const calls = (method: string, from = 0) => slack.calls.slice(from).filter((c) => c.method === method);
const json = (x: unknown) => JSON.stringify(x);
// Once deliveries in flight have settled: they move rows through the outbox while a test compares before and after.
const dataFile = async () => {
  await trellis.drain();
  return trellis.data();
};
const viewText = (v: View | undefined) => json(v?.blocks ?? []);
const buttonsOf = (blocks: unknown) => ((blocks as Block[]).find((b) => b.type === 'actions')?.elements ?? []) as Element[];

const { slash, run } = slackCommands<{ text: string; response_type: string; blocks: Block[] }, View>(() => ({ trellis, slack }));

/** A click on a button in `who`'s DM with the bot: the modal it opened or the response_url reply. */
async function clickInDm(who: Who, button: Pick<Element, 'action_id' | 'value' | 'url'>) {
  const id = `r${++seq}`;
  const trigger = `trigger-${id}`;
  const base = fixture<Record<string, unknown>>('block-actions-dm');
  const { value, url, ...rest } = button;
  const action = { ...(base.actions as object[])[0], ...rest, ...(value === undefined ? {} : { value }), ...(url ? { url } : {}) };
  if (value === undefined) delete (action as { value?: string }).value;
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
  return { id, trigger };
}
async function clickForResult(who: Who, button: Pick<Element, 'action_id' | 'value'>) {
  const { id, trigger } = await clickInDm(who, button);
  return waitFor(() => {
    const opened = slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger && c.result?.ok === true);
    const responded = slack.responses.find((r) => r.id === id);
    return opened ? { view: opened.body.view as View } : responded ? { reply: responded.body as { text: string; response_type: string } } : undefined;
  });
}

type Answer = string | string[] | null;

/** The view_submission Slack sends for `view` with these inputs (by element type); resolves with our ack body. */
async function submit(who: Who, view: View, answers: Record<string, Answer>, override: { private_metadata?: string } = {}): Promise<Ack> {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, v] of Object.entries(answers)) {
    const element = view.blocks.find((b) => b.block_id === blockId)?.element as { type?: string; options?: Option[] } | undefined;
    const option = (x: string) => element?.options?.find((o) => o.value === x) ?? { text: { type: 'plain_text', text: x }, value: x };
    const type = element?.type ?? 'plain_text_input';
    values[blockId] = {
      value:
        type === 'checkboxes' || type === 'multi_static_select'
          ? { type, selected_options: ((v as string[] | null) ?? []).map(option) }
          : type === 'datepicker'
            ? { type, selected_date: v }
            : type === 'plain_text_input'
              ? { type, value: v }
              : { type, selected_option: v === null ? null : option(v as string) },
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

const protocolAnswers = (over: Record<string, Answer> = {}): Record<string, Answer> => ({
  title: 'Information Sharing Protocol',
  kind: 'protocol',
  purpose: 'How partners share information about families they both support.',
  parties: [orgs.city, orgs.hope],
  owner: kimMember,
  link: LINK,
  cycle: '6',
  next: '2026-11-28', // five days ahead
  ...over,
});
const reviewAnswers = (scale: string, rec: string, comment?: string): Record<string, Answer> => ({
  'review-roles': scale,
  'review-procedures': scale,
  'review-monitoring': scale,
  'review-no-breaches': scale,
  'review-recommendation': rec,
  ...(comment ? { comment } : {}),
});
const protocols = async () => trellis.store.protocols(pid);
/** Trellis writes every day one way, "28 Nov 2026", with no weekday before it. */
const day = (weekday: string, date: string) => new RegExp(`(?<!${weekday},? )${date}`);

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of PEOPLE) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('Slack protocol register and reviews', () => {
  let addView: View;
  let protocolId = '';
  let reviewDms: { who: Who; button: Element }[] = [];

  it('sets up a partnership of three organisations, four members and threshold 3', async () => {
    const setup = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text)![1]!;
    for (const org of ['City Council public', 'Hope Trust voluntary', 'Police Service public'])
      expect((await run(ALEX, CHANNEL, `org add ${org}`)).text).toContain('Added');
    for (const [who, org] of [
      [SAM, 'city council'],
      [KIM, 'hope trust'],
      [LEE, 'hope trust'],
      [RAY, 'police service'],
    ] as const) {
      expect((await run(who, dm(who), `join ${code} ${org}`)).text).toContain('Welcome to *Riverside Partnership*');
    }
    expect((await run(ALEX, CHANNEL, 'set threshold 3')).text).toContain('3');
    pid = (await trellis.store.partnerships())[0]!.id;
    const byName = new Map((await trellis.store.organisations(pid)).map((o) => [o.name, o.id]));
    orgs = { city: byName.get('City Council')!, hope: byName.get('Hope Trust')!, police: byName.get('Police Service')! };
    kimMember = (await trellis.store.membershipsOf({ platform: 'slack', workspace: 'T0001', userId: KIM.user_id }))[0]!.id;
  });

  it('`/trellis protocol add` opens the form as a modal straight away, posting nothing', async () => {
    const mark = slack.responses.length;
    addView = (await slash(ALEX, CHANNEL, 'protocol add')).view!;
    expect(addView).toMatchObject({ type: 'modal', callback_id: 'trellis-form', title: { text: 'Add a protocol' }, submit: { text: 'Save' } });
    expect(JSON.parse(addView.private_metadata!)).toEqual({ actionId: 'protocol-save', context: `${pid}:new` });
    const inputs = addView.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual(['title', 'kind', 'purpose', 'parties', 'owner', 'link', 'cycle', 'next']);
    const el = (id: string) => inputs.find((b) => b.block_id === id)!;
    expect(el('kind').element).toMatchObject({ type: 'radio_buttons', initial_option: { value: 'protocol' } });
    expect((el('kind').element!.options as Option[]).map((o) => o.value)).toEqual(['protocol', 'agreement', 'mou']);
    expect(el('purpose').element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 500 });
    expect(el('parties').element).toMatchObject({ type: 'checkboxes', action_id: 'value' });
    expect(el('parties').element!.options).toEqual(
      [orgs.city, orgs.hope, orgs.police].map((value, i) => ({
        value,
        text: expect.objectContaining({ text: ['City Council', 'Hope Trust', 'Police Service'][i] }),
      })),
    );
    expect(el('parties').element!.initial_options).toBeUndefined();
    expect(json(el('owner').element!.options)).toContain('Kim Osei');
    expect(el('link').element).toMatchObject({ type: 'plain_text_input', multiline: false });
    expect(el('cycle').element).toMatchObject({ type: 'plain_text_input', max_length: 2 });
    expect(el('next')).toMatchObject({ optional: true, element: { type: 'datepicker', action_id: 'value' } });
    expect(el('next').element!.initial_date).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses.length).toBe(mark);
  });

  describe('refuses bad input, saving nothing', () => {
    let before: string;
    beforeAll(async () => {
      before = await dataFile();
    });
    const unchanged = async () => {
      expect(await dataFile()).toBe(before);
      expect(await protocols()).toHaveLength(0);
    };

    it.each([
      ['an impossible date (forged past the date picker)', { next: '2027-02-30' }, 'next', '2027-02-30 is not a real date'],
      ['a past date', { next: '2026-11-01' }, 'next', 'cannot be in the past (today is 23 Nov 2026)'],
      ['no parties', { parties: [] }, 'parties', 'Choose at least one organisation'],
      ['an unknown organisation id', { parties: ['org-not-here'] }, 'parties', 'not in the partnership'],
      ['a link that is not https', { link: 'javascript:alert(1)' }, 'link', 'starting with https://'],
    ] as const)('%s: an error beside that field', async (_name, over, field, message) => {
      const ack = await submit(ALEX, addView, protocolAnswers(over as Record<string, Answer>));
      expect(ack).toEqual({ response_action: 'errors', errors: { [field]: expect.stringContaining(message) } });
      await unchanged();
    });

    it('a member who is not a coordinator: `protocol add` is refused, and so is a submit of the form', async () => {
      const { reply, view } = await slash(SAM, CHANNEL, 'protocol add');
      expect(view).toBeUndefined();
      expect(reply!.response_type).toBe('ephemeral');
      expect(reply!.text).toContain('Only coordinators can add protocols');
      const ack = await submit(SAM, addView, protocolAnswers());
      expect(ack.response_action).toBe('update');
      expect(viewText(ack.view)).toContain('Only coordinators can add protocols');
      await unchanged();
    });

    it.each([
      ['not JSON', 'protocol=new', 'did not recognise this form, so nothing was recorded'],
      [
        'another partnership',
        () => json({ actionId: 'protocol-save', context: 'another-partnership:new' }),
        "isn't for a partnership you are in; nothing was saved",
      ],
      [
        'a protocol that does not exist',
        () => json({ actionId: 'protocol-save', context: `${pid}:no-such-protocol` }),
        'not in this partnership’s register; nothing was saved',
      ],
      ['an action Trellis does not have', () => json({ actionId: 'protocol-delete', context: `${pid}:new` }), 'not one Trellis knows; nothing was recorded'],
    ] as const)('forged private_metadata (%s)', async (_name, forged, message) => {
      const ack = await submit(ALEX, addView, protocolAnswers(), { private_metadata: typeof forged === 'string' ? forged : forged() });
      expect(ack.response_action).toBe('update');
      expect(viewText(ack.view)).toContain(message);
      await unchanged();
    });
  });

  it('saves a submitted protocol as P-1, shown in `protocol list`', async () => {
    const ack = await submit(ALEX, addView, protocolAnswers());
    expect(ack.response_action).toBe('update');
    expect(ack.view!.submit).toBeUndefined();
    expect(viewText(ack.view)).toMatch(new RegExp(`Added P-1 Information Sharing Protocol: next review ${day('Sat', '28 Nov 2026').source}`));
    const [saved] = await protocols();
    expect(saved).toMatchObject({
      ref: 1,
      partyOrgIds: [orgs.city, orgs.hope],
      ownerMemberId: kimMember,
      link: LINK,
      cycleMonths: 6,
      nextReview: '2026-11-28',
    });
    protocolId = saved!.id;
    const list = await run(SAM, dm(SAM), 'protocol list');
    expect(json(list.blocks)).toMatch(new RegExp(`P-1 Information Sharing Protocol — review due ${day('Sat', '28 Nov 2026').source} \\(in 5 days\\)`));
    expect(json(list.blocks)).toContain('owner Kim Osei');
  });

  it('opens `protocol edit P-1` for its owner with the saved values filled in', async () => {
    const view = (await slash(KIM, dm(KIM), 'protocol edit P-1')).view!;
    expect(view.title.text).toBe('Edit P-1');
    const el = (id: string) => view.blocks.find((b) => b.block_id === id)!.element!;
    expect((el('parties').initial_options as Option[]).map((o) => o.value)).toEqual([orgs.city, orgs.hope]);
    expect(el('next').initial_date).toBe('2026-11-28');
    expect(el('owner').initial_option).toMatchObject({ value: kimMember });
  });

  it('in the Messages tab (no trigger_id) a form comes as a button that opens the modal', async () => {
    const mark = slack.calls.length;
    const im = fixture<Record<string, unknown>>('message-im');
    const typed = { ...im, event_id: 'Ev0PROTO01', event: { ...(im.event as object), channel: 'DU0ALEX', user: ALEX.user_id, text: 'protocol add' } };
    expect((await event(trellis.url, typed)).status).toBe(200);
    const posted = await waitFor(() => calls('chat.postMessage', mark).find((c) => c.body.channel === 'DU0ALEX'));
    expect(calls('views.open', mark)).toHaveLength(0);
    const [button] = buttonsOf(posted.body.blocks);
    expect(button).toMatchObject({ action_id: 'trellis:protocol-form:0', value: `${pid}:new`, text: { text: 'Open the form' } });
    const { view } = await clickForResult(ALEX, button!);
    expect(view).toMatchObject({ callback_id: 'trellis-form', title: { text: 'Add a protocol' } });
    expect(JSON.parse(view!.private_metadata!)).toEqual({ actionId: 'protocol-save', context: `${pid}:new` });
  });

  it('when Slack refuses to open the modal (an expired trigger), answers with the button instead', async () => {
    slack.fail.set('views.open', 'expired_trigger_id');
    try {
      const { reply, view } = await slash(ALEX, CHANNEL, 'protocol edit P-1');
      expect(view).toBeUndefined();
      expect(reply!.response_type).toBe('ephemeral');
      expect(buttonsOf(reply!.blocks)).toEqual([
        expect.objectContaining({
          action_id: 'trellis:protocol-form:0',
          value: `${pid}:${protocolId}`,
          text: expect.objectContaining({ text: 'Open the form' }),
        }),
      ]);
      await waitFor(() => trellis.logs.find((l) => l.includes('slack form open failed')));
    } finally {
      slack.fail.delete('views.open');
    }
  });

  it('sends the 7-day reminder (not the 30-day one) on the next tick, to the owner and coordinators only, once', async () => {
    const mark = slack.calls.length;
    await trellis.tick();
    const posts = calls('chat.postMessage', mark);
    const dms = posts.filter((c) => /^U/.test(String(c.body.channel)));
    expect(dms.map((c) => c.body.channel).sort()).toEqual([ALEX.user_id, KIM.user_id]);
    // Anything else is the partnership's "coming up" summary in its home channel.
    expect(posts.filter((c) => !dms.includes(c)).every((c) => c.body.channel === CHANNEL.channel_id)).toBe(true);
    for (const c of dms) {
      const shown = `${String(c.body.text)} ${json(c.body.blocks)}`;
      expect(shown).toContain('Riverside Partnership: P-1 Information Sharing Protocol');
      expect(shown).toMatch(new RegExp(`due in 5 days, on ${day('Sat', '28 Nov 2026').source}`));
      expect(shown).not.toContain('30 days');
      expect(buttonsOf(c.body.blocks)).toEqual([
        expect.objectContaining({ action_id: 'trellis:protocol-review-start:0', value: protocolId, text: expect.objectContaining({ text: 'Start review' }) }),
        expect.objectContaining({ action_id: 'trellis:protocol-snooze:1', value: protocolId, text: expect.objectContaining({ text: 'Snooze a week' }) }),
        { type: 'button', action_id: 'trellis-link:2', url: LINK, text: expect.objectContaining({ text: 'Open document' }) },
      ]);
    }
    const again = slack.calls.length;
    await trellis.tick();
    expect(calls('chat.postMessage', again)).toHaveLength(0);
  });

  it('a click on "Open document" is acknowledged and does nothing else', async () => {
    const before = await dataFile();
    const mark = slack.calls.length;
    const { id } = await clickInDm(KIM, { action_id: 'trellis-link:2', url: LINK });
    await new Promise((r) => setTimeout(r, 200));
    await trellis.drain();
    expect(slack.calls.length).toBe(mark);
    expect(slack.responses.some((r) => r.id === id)).toBe(false);
    expect(await dataFile()).toBe(before);
  });

  it('"Start review" DMs every member of the party organisations a private review button', async () => {
    const mark = slack.calls.length;
    const { reply } = await clickForResult(ALEX, { action_id: 'trellis:protocol-review-start:0', value: protocolId });
    expect(reply!.response_type).toBe('ephemeral');
    expect(reply!.text).toContain('Review of P-1 Information Sharing Protocol started: 3 members of the parties asked privately');
    await trellis.drain();
    const sent = calls('chat.postMessage', mark);
    expect(sent.map((c) => c.body.channel).sort()).toEqual([KIM.user_id, LEE.user_id, SAM.user_id]);
    const reviewId = (await protocols())[0]!.reviews[0]!.id;
    reviewDms = sent.map((c) => {
      const [open, link] = buttonsOf(c.body.blocks);
      expect(open).toMatchObject({ action_id: 'trellis:review-open:0', value: `${protocolId}:${reviewId}`, text: { text: 'Give your view' } });
      expect(link).toMatchObject({ action_id: 'trellis-link:1', url: LINK });
      return { who: PEOPLE.find((p) => p.user_id === c.body.channel)!, button: open! };
    });
  });

  it('two parties answer in the review modal; `review status` counts them and names nobody', async () => {
    for (const [who, scale, rec, comment] of [
      [SAM, '4', 'revised', SAM_COMMENT],
      [KIM, '2', 'revised', undefined],
    ] as const) {
      const { button } = reviewDms.find((d) => d.who === who)!;
      const { view } = await clickForResult(who, button);
      expect(view).toMatchObject({ callback_id: 'trellis-form', title: { text: 'Review P-1' } });
      expect(view!.blocks.filter((b) => b.type === 'input').map((b) => b.block_id)).toEqual([
        'review-roles',
        'review-procedures',
        'review-monitoring',
        'review-no-breaches',
        'review-recommendation',
        'comment',
      ]);
      const ack = await submit(who, view!, reviewAnswers(scale, rec, comment));
      expect(ack.response_action).toBe('update');
      expect(viewText(ack.view)).toContain('Thanks — your view is in');
    }
    // Not a party: Ray may not answer with a borrowed button.
    const ray = await clickForResult(RAY, reviewDms[0]!.button);
    expect(ray.reply!.text).toContain('not yours to answer');

    const status = await run(ALEX, CHANNEL, 'review status P-1');
    expect(status.text).toContain('2 of 3 answered');
    for (const p of PEOPLE) expect(json(status)).not.toContain(p.display);
  });

  it('refuses `review close` from a member who is neither coordinator nor owner, and a past next date', async () => {
    const before = await dataFile();
    expect((await run(SAM, CHANNEL, 'review close P-1 revised')).text).toContain('Only coordinators and its owner can close reviews');
    expect((await run(ALEX, CHANNEL, 'review close P-1 revised 2026-11-01')).text).toContain('must be after today');
    expect((await run(ALEX, CHANNEL, 'review close P-1 revised 2027-02-30')).text).toContain('not a real date');
    expect(await dataFile()).toBe(before);
  });

  it('`review close` below the threshold shows no summary; the next date comes from the 6-month cycle', async () => {
    const closed = await run(ALEX, CHANNEL, 'review close P-1 revised');
    expect(closed.text).toContain('Review of P-1 closed: revised. 2 answered — fewer than 3, so no summary is shown.');
    expect(closed.text).toMatch(new RegExp(`Next review ${day('Sun', '23 May 2027').source}`));
    expect((await protocols())[0]).toMatchObject({ status: 'active', nextReview: '2027-05-23' });
  });

  it('a second review, answered by all three parties and closed by its owner with a date, shows the summary', async () => {
    const mark = slack.calls.length;
    expect((await run(KIM, dm(KIM), 'review start P-1')).text).toContain('3 members of the parties asked privately');
    await trellis.drain();
    const sent = calls('chat.postMessage', mark);
    expect(sent.map((c) => c.body.channel).sort()).toEqual([KIM.user_id, LEE.user_id, SAM.user_id]);
    for (const c of sent) {
      const who = PEOPLE.find((p) => p.user_id === c.body.channel)!;
      const { view } = await clickForResult(who, buttonsOf(c.body.blocks)[0]!);
      expect((await submit(who, view!, reviewAnswers('5', 'kept'))).response_action).toBe('update');
    }
    expect((await run(ALEX, CHANNEL, 'review status P-1')).text).toContain('3 of 3 answered');
    const closed = await run(KIM, dm(KIM), 'review close P-1 kept 2027-03-31');
    expect(closed.text).toContain('Review of P-1 closed: kept. 3 answered. Agreement 0–100: roles 100');
    expect(closed.text).toContain('Recommended: kept 3');
    expect(closed.text).toMatch(new RegExp(`Next review ${day('Wed', '31 Mar 2027').source}`));
  });

  it('keeps review answers unlinkable to people in the data file, and out of the logs', async () => {
    const data = JSON.parse(await dataFile()) as { answerSets: { roundId: string }[]; members: { id: string }[] };
    const reviewIds = (await protocols())[0]!.reviews.map((r) => r.id);
    const sets = data.answerSets.filter((a) => reviewIds.includes(a.roundId));
    expect(sets).toHaveLength(5);
    const forbidden = [...PEOPLE.flatMap((p) => [p.user_id, p.display, p.user_name]), ...data.members.map((m) => m.id)];
    for (const set of sets) for (const f of forbidden) expect(json(set)).not.toContain(f);
    const logs = trellis.logs.join('\n');
    expect(logs).not.toContain('marker-wren');
    expect(logs).not.toContain(BOT_TOKEN);
  });
});

describe('Slack rendering of multi-choice and date fields', () => {
  const form = (options: number, initial?: string[], date?: string): Form => ({
    title: 'Fields',
    submitActionId: 'x-save',
    submitLabel: 'Save',
    context: 'c',
    reopen: { actionId: 'x-open', value: 'c' },
    fields: [
      {
        kind: 'multichoice',
        id: 'many',
        label: 'Many',
        options: Array.from({ length: options }, (_, i) => ({ value: `o${i}`, label: `Option ${i}` })),
        ...(initial ? { initial } : {}),
      },
      { kind: 'date', id: 'when', label: 'When', optional: false, ...(date ? { initial: date } : {}) },
    ],
  });
  const element = (f: Form, id: string) => (renderFormModal(f).blocks as Block[]).find((b) => b.block_id === id)!.element!;

  it('uses checkboxes up to 10 options and a multi-select beyond, with the initial options among them', () => {
    expect(element(form(10, ['o2']), 'many')).toMatchObject({ type: 'checkboxes', initial_options: [{ value: 'o2' }] });
    const select = element(form(11, ['o10', 'not-an-option']), 'many');
    expect(select).toMatchObject({ type: 'multi_static_select', initial_options: [{ value: 'o10' }] });
    expect(select.options as Option[]).toHaveLength(11);
  });

  it('gives the date picker only a well-formed initial date, and a required date is not optional', () => {
    expect(element(form(2, undefined, '2027-01-31'), 'when')).toMatchObject({ type: 'datepicker', initial_date: '2027-01-31' });
    expect(element(form(2, undefined, '31/01/2027'), 'when').initial_date).toBeUndefined();
    expect((renderFormModal(form(2)).blocks as Block[]).find((b) => b.block_id === 'when')!.optional).toBe(false);
  });

  it('reads chosen options back joined with commas, and the date picked; empty choices are left out', () => {
    const values = readValues({
      many: { value: { selected_options: [{ value: 'o1' }, { value: 'o3' }] } },
      none: { value: { selected_options: [] } },
      when: { value: { selected_date: '2027-01-31' } },
      unset: { value: { selected_date: null } },
      odd: { value: { selected_options: [{ value: 7 }] } },
    });
    expect(values).toEqual({ many: 'o1,o3', when: '2027-01-31' });
  });
});
