// The critical-friend channel on Slack, end to end: signed slash commands,
// clicks and modal submissions into the real server; DMs and modals captured
// by a fake Slack; delivery after a random delay driven by a fake clock and
// `tick()`. Throughout, the critical friend must never learn who raised a
// concern, coordinators must never see one (only text its reporter approved),
// and concern text must never sit in a chat message or a log line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Concern, ConcernQuota, StoredConcern } from '../src/core/model.js';
import type { Form } from '../src/core/message.js';
import { openRelay } from '../src/core/concerns/relay.js';
import { openConcern } from '../src/core/concerns/concern-seal.js';
import { escapeMrkdwn } from '../src/adapters/slack/render-blocks.js';
import { renderFormModal } from '../src/adapters/slack/render-modal.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // coordinator, independent
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' }; // City Council: raises the concerns
const KIM: Who = { user_id: 'U0KIM', user_name: 'kim', display: 'Kim Osei' }; // Hope Trust
const CHRIS: Who = { user_id: 'U0CHRIS', user_name: 'chris', display: 'Chris' }; // the critical friend, independent
const PEOPLE = [ALEX, SAM, KIM, CHRIS];
const SAM_ORG = 'City Council';
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

// Long enough that the conversation outgrows one Slack section (3000 characters).
const HAPPENING = `${'The lead agency changes the referral criteria without telling the other partners, so our referrals bounce back. '.repeat(13)}marker-kestrel-7710`;
const HELP = 'A shared log of changes to the criteria: marker-plover-2231';
const REPLY = 'Thank you for raising this. Has it happened more than once? marker-lark-5540';
const PROPOSED = 'Some partners find the referral criteria change without notice: marker-tern-1180';
const ANSWER = `${'Yes, three times this quarter & each time we heard late. '.repeat(33)}marker-ibis-9042`;
const APPROVED = 'Referral criteria changed without notice several times this quarter; could the board keep a change log? marker-egret-3307';
const SECOND = 'Voluntary partners are left out of the budget meeting: marker-wigeon-6620';
const THIRD = 'Minutes arrive weeks late: marker-grebe-4415';
const FOURTH = 'One more today: marker-scaup-0001';
const CONCERN_TEXTS = [HAPPENING, HELP, REPLY, PROPOSED, ANSWER, SECOND, THIRD, FOURTH];
const MARKERS = CONCERN_TEXTS.map((t) => /marker-\w+-\d+/.exec(t)![0]);
const PSEUDONYM = /C-[A-HJ-NP-Z2-9]{4}/;
const MINUTE = 60_000;

const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday, 09:00 in Europe/London
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;
let pid = '';

type Element = { type: string; action_id: string; value?: string; text: { text: string } };
type Block = {
  type: string;
  block_id?: string;
  optional?: boolean;
  text?: { text: string };
  label?: { text: string };
  hint?: { text: string };
  element?: Record<string, unknown>;
  elements?: Element[];
};
type View = { type: string; callback_id?: string; private_metadata?: string; title: { text: string }; submit?: unknown; blocks: Block[] };
type Ack = { response_action: 'update' | 'errors'; view?: View; errors?: Record<string, string> };
type Reply = { text: string; response_type: string; blocks: Block[] };
type Option = { text: { text: string }; value: string };

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, TRELLIS_CONCERN_DELAY_MAX_SECONDS: '600' });
const json = (x: unknown) => JSON.stringify(x);
const viewText = (v: View | undefined) => json(v?.blocks ?? []);
const sectionTexts = (v: View) => v.blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
const buttonsOf = (blocks: unknown) => ((blocks as Block[]).find((b) => b.type === 'actions')?.elements ?? []) as Element[];
const inputIds = (v: View) => v.blocks.filter((b) => b.type === 'input').map((b) => b.block_id);
const block = (v: View, id: string) => v.blocks.find((b) => b.block_id === id)!;
const data = async () =>
  JSON.parse(await trellis.data()) as { concerns: StoredConcern[]; concernQuotas: ConcernQuota[]; members: { id: string; userId: string }[] };
/** The concerns in the data file, as the server reads them (their bodies are sealed). */
const stored = async () => (await data()).concerns.map((c) => openConcern(TEST_SECRET, c)!);

// Everything Trellis sent towards each person: response_url replies, modals
// opened from their triggers and the acks to their submissions (DMs and App
// Home are found by channel and user id in `slack.calls`).
const responseOwner = new Map<string, string>();
const triggerOwner = new Map<string, string>();
const acks: { userId: string; ack: Ack }[] = [];
let mark = { calls: 0, responses: 0, acks: 0 };

function sentTo(w: Who): string[] {
  const toThem = slack.calls.slice(mark.calls).filter((c) => {
    if (c.method.startsWith('chat.')) return [w.user_id, `D${w.user_id}`].includes(String(c.body.channel));
    if (c.method === 'views.publish') return c.body.user_id === w.user_id;
    if (c.method.startsWith('views.')) return triggerOwner.get(String(c.body.trigger_id)) === w.user_id;
    return false;
  });
  return [
    ...toThem.map((c) => `${c.method} ${json(c.body)}`),
    ...slack.responses
      .slice(mark.responses)
      .filter((r) => responseOwner.get(r.id) === w.user_id)
      .map((r) => `response ${json(r.body)}`),
    ...acks
      .slice(mark.acks)
      .filter((a) => a.userId === w.user_id)
      .map((a) => `ack ${json(a.ack)}`),
  ];
}

const dmsTo = (w: Who, from: number) => slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.body.channel === w.user_id);
const allDms = (from: number) => slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage');

const commands = slackCommands<Reply, View>(() => ({ trellis, slack }));
/** `/trellis <text>`: the response_url reply, or the modal it opened instead, noted as sent towards `who`. */
async function slash(who: Who, where: Record<string, string>, text: string) {
  const r = await commands.slash(who, where, text);
  responseOwner.set(r.id, who.user_id);
  triggerOwner.set(r.trigger, who.user_id);
  return r;
}
const run = async (who: Who, where: Record<string, string>, text: string) => (await slash(who, where, text)).reply!;

/** A click on a button in `who`'s DM with the bot (forged or real): the modal it opened or the response_url reply. */
async function click(who: Who, button: Pick<Element, 'action_id' | 'value'>): Promise<{ view?: View; reply?: Reply; id: string }> {
  const id = `r${++seq}`;
  const trigger = `trigger-${id}`;
  responseOwner.set(id, who.user_id);
  triggerOwner.set(trigger, who.user_id);
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
    const opened = slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger && c.result?.ok === true);
    const responded = slack.responses.find((r) => r.id === id);
    return opened ? { view: opened.body.view as View, id } : responded ? { reply: responded.body as unknown as Reply, id } : undefined;
  });
}

/** The view_submission Slack sends for `view` with these inputs (by element type); resolves with our ack body. */
async function submit(who: Who, view: View, answers: Record<string, string | null>): Promise<Ack> {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const values: Record<string, Record<string, unknown>> = {};
  for (const [blockId, v] of Object.entries(answers)) {
    const element = view.blocks.find((b) => b.block_id === blockId)?.element as { type?: string; options?: Option[] } | undefined;
    const type = element?.type ?? 'plain_text_input';
    const option = (x: string) => element?.options?.find((o) => o.value === x) ?? { text: { type: 'plain_text', text: x }, value: x };
    values[blockId] = { value: type === 'plain_text_input' ? { type, value: v } : { type, selected_option: v === null ? null : option(v) } };
  }
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, ...view, state: { values } },
  });
  expect(res.status).toBe(200);
  const ack = (await res.json()) as Ack;
  acks.push({ userId: who.user_id, ack });
  return ack;
}

/** Sam opens the raise form with `/trellis concern` and sends it; the ack, and the concern stored (if any). */
async function raise(answers: Record<string, string | null>) {
  const { view } = await slash(SAM, CHANNEL, 'concern');
  const before = new Set((await stored()).map((c) => c.id));
  const ack = await submit(SAM, view!, answers);
  const concern = (await stored()).find((c) => !before.has(c.id));
  return { ack, concern };
}

const reporterButton = (c: Concern) => ({ action_id: 'trellis:concern-reporter-open:0', value: c.id });

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of PEOPLE) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

describe('Slack: long modal intros (a conversation) are shown in full', () => {
  const form = (intro: string): Form => ({
    title: 'Concern C-TEST',
    intro,
    submitActionId: 'concern-friend-submit',
    submitLabel: 'Send',
    context: 'c1',
    reopen: { actionId: 'concern-friend-open', value: 'c1' },
    fields: [{ kind: 'text', id: 'reply', label: 'Your reply', multiline: true, maxLength: 2000, optional: true }],
  });

  it('splits into sections of at most 3000 characters, losing nothing and breaking no escape', () => {
    const intro = [
      '*C-TEST* — head',
      `*Reporter* (23 Nov 2026): ${'a & b < c > d '.repeat(400)}end-of-line-one`,
      `*You* (23 Nov 2026): ${'x'.repeat(7000)}`,
      'Status: open.',
    ].join('\n');
    const view = renderFormModal(form(intro)) as unknown as View;
    const texts = sectionTexts(view);
    expect(texts.length).toBeGreaterThan(3);
    for (const t of texts) {
      expect(t.length).toBeGreaterThan(0);
      expect(t.length).toBeLessThanOrEqual(3000);
      // Every & starts a whole escape: none was cut in two.
      expect(t.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
    const shown = texts.join('');
    expect(shown.replace(/[\s]/g, '')).toBe(escapeMrkdwn(intro).replace(/[\s]/g, ''));
    expect(texts.at(-1)).toContain('Status: open.');
    expect(inputIds(view)).toEqual(['reply']);
  });

  it('never drops the inputs: a conversation beyond 100 blocks keeps its opening and latest part', () => {
    const intro = ['*C-TEST* — head', ...Array.from({ length: 150 }, (_, i) => `*Reporter* (day): message ${i} ${'y'.repeat(2900)}`), 'Status: open.'].join(
      '\n',
    );
    const view = renderFormModal(form(intro)) as unknown as View;
    expect(view.blocks).toHaveLength(100);
    expect(inputIds(view)).toEqual(['reply']);
    const texts = sectionTexts(view);
    expect(texts[0]).toContain('*C-TEST* — head');
    expect(texts[1]).toContain('too long to show');
    expect(texts.at(-1)).toContain('Status: open.');
    expect(texts.join('\n')).toContain('message 149 ');
  });
});

describe('Slack critical-friend channel', () => {
  let first: Concern;
  let second: Concern;
  let friendNote: { action_id: string; value: string };

  it('sets up a partnership: coordinator Alex, members Sam (City Council) and Kim, critical friend Chris', async () => {
    const setup = await run(ALEX, CHANNEL, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text)![1]!;
    expect((await run(ALEX, CHANNEL, 'org add City Council public')).text).toContain('Added City Council');
    expect((await run(ALEX, CHANNEL, 'org add Hope Trust voluntary')).text).toContain('Added Hope Trust');
    for (const [who, org] of [
      [SAM, 'city council'],
      [KIM, 'hope trust'],
      [CHRIS, 'independent'],
    ] as const) {
      expect((await run(who, dm(who), `join ${code} ${org}`)).text).toContain(`Welcome to *Riverside Partnership*, ${who.display}`);
    }
    expect((await run(ALEX, CHANNEL, 'role Chris critical-friend')).text).toContain('Chris is now a critical friend');
    await trellis.drain(); // the announcement and Chris's own note of the appointment go out before the mark
    pid = (await trellis.store.partnerships())[0]!.id;
    // From here on, everything sent to Chris and Alex is searched for Sam.
    mark = { calls: slack.calls.length, responses: slack.responses.length, acks: acks.length };
  });

  it('refuses concern text typed in chat, and opens the private form for `/trellis concern`', async () => {
    const typed = await slash(SAM, CHANNEL, 'concern my text here about marker-typed-0000');
    expect(typed.view).toBeUndefined();
    expect(typed.reply!.response_type).toBe('ephemeral');
    expect(typed.reply!.text).toContain('Type just `concern`');
    expect(await stored()).toHaveLength(0);

    const { view, id } = await slash(SAM, CHANNEL, 'concern');
    expect(view).toMatchObject({ type: 'modal', callback_id: 'trellis-form', title: { text: 'Raise a concern' }, submit: { text: 'Send' } });
    expect(JSON.parse(view!.private_metadata!)).toEqual({ actionId: 'concern-submit', context: pid });
    expect(inputIds(view!)).toEqual(['category', 'happening', 'help', 'organisation', 'consent']);
    expect((block(view!, 'category').element!.options as Option[]).map((o) => o.value)).toEqual([
      'roles',
      'philosophies',
      'priorities',
      'power',
      'communication',
      'commitment',
      'other',
    ]);
    expect(block(view!, 'happening')).toMatchObject({ optional: false, element: { type: 'plain_text_input', multiline: true, max_length: 2000 } });
    expect(block(view!, 'help')).toMatchObject({ optional: true, element: { type: 'plain_text_input', multiline: true } });
    const org = block(view!, 'organisation').element!;
    expect((org.options as Option[]).map((o) => o.value)).toEqual(['no', 'yes']);
    expect((org.options as Option[])[1]!.text.text).toContain(SAM_ORG);
    expect(org.initial_option).toMatchObject({ value: 'no' });
    expect((block(view!, 'consent').element!.options as Option[]).map((o) => o.value)).toEqual(['no', 'yes']);
    expect(block(view!, 'consent').element!.initial_option).toMatchObject({ value: 'no' });
    // Nothing is posted back to the channel the command was typed in.
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses.some((r) => r.id === id)).toBe(false);
  });

  it('field errors beside "what is happening": empty, or over 2000 characters; nothing stored or counted', async () => {
    const base = { category: 'roles', help: '', organisation: 'no', consent: 'yes' };
    const empty = await raise({ ...base, happening: '   ' });
    expect(empty.ack).toEqual({ response_action: 'errors', errors: { happening: expect.stringContaining('Say what is happening') } });
    const long = await raise({ ...base, happening: `${'z'.repeat(2001)}` });
    expect(long.ack).toEqual({ response_action: 'errors', errors: { happening: expect.stringContaining('under 2000 characters') } });
    expect(await stored()).toHaveLength(0);
    expect((await data()).concernQuotas ?? []).toHaveLength(0);
  });

  it('takes a concern, answers with a C-XXXX reference in the modal, and DMs nobody yet', async () => {
    const from = slack.calls.length;
    const submittedAt = clock.now().getTime();
    const { ack, concern } = await raise({ category: 'roles', happening: HAPPENING, help: HELP, organisation: 'no', consent: 'yes' });
    expect(ack.response_action).toBe('update');
    expect(ack.view!.submit).toBeUndefined();
    const receipt = viewText(ack.view);
    expect(receipt).toContain('Your reference is');
    first = concern!;
    expect(first.pseudonym).toMatch(new RegExp(`^${PSEUDONYM.source}$`));
    expect(receipt).toContain(first.pseudonym);
    expect(receipt).toContain('within 10 minutes');
    expect(receipt).not.toContain('marker-');

    expect(first).toMatchObject({ partnershipId: pid, category: 'roles', status: 'pending', mayAskToEscalate: true });
    expect(first.organisation).toBeUndefined();
    // The random delay lies within [0, 600] s of the submit.
    const due = Date.parse(first.deliverAt!);
    expect(due).toBeGreaterThanOrEqual(submittedAt);
    expect(due).toBeLessThanOrEqual(submittedAt + 600_000);

    await new Promise((r) => setTimeout(r, 100));
    await trellis.drain();
    expect(allDms(from)).toEqual([]);
    // A tick at the moment of submitting delivers only a zero delay (1 in 601).
    await trellis.tick();
    if (due > submittedAt) expect(dmsTo(CHRIS, from)).toEqual([]);
  });

  it('11 minutes later, a tick sends Chris a content-free DM with a "Read and reply" button', async () => {
    const from = slack.calls.length;
    const delivered = (await stored()).find((c) => c.id === first.id)!.status !== 'pending';
    clock.advance(11 * MINUTE);
    await trellis.tick();
    const dms = allDms(from);
    if (!delivered) expect(dms.map((c) => c.body.channel)).toEqual([CHRIS.user_id]);
    const note = (await stored()).find((c) => c.id === first.id)!;
    expect(note.status).toBe('open');
    expect(note.deliverAt).toBeUndefined();

    const dm = slack.calls.slice(mark.calls).find((c) => c.method === 'chat.postMessage' && c.body.channel === CHRIS.user_id)!;
    const shown = `${String(dm.body.text)} ${json(dm.body.blocks)}`;
    expect(shown).toContain(`A new concern, ${first.pseudonym}`);
    for (const m of MARKERS) expect(shown).not.toContain(m);
    expect(shown).not.toContain('referral criteria');
    const buttons = buttonsOf(dm.body.blocks);
    expect(buttons).toEqual([
      expect.objectContaining({ action_id: 'trellis:concern-friend-open:0', value: first.id, text: expect.objectContaining({ text: 'Read and reply' }) }),
    ]);
    friendNote = { action_id: buttons[0]!.action_id, value: buttons[0]!.value! };
    await trellis.tick();
    expect(dmsTo(CHRIS, from)).toHaveLength(delivered ? 0 : 1);
  });

  it('"Read and reply" opens a modal with the concern, "from a member of the partnership", and nothing of Sam', async () => {
    const { view, id } = await click(CHRIS, friendNote);
    expect(view).toMatchObject({ type: 'modal', callback_id: 'trellis-form', title: { text: `Concern ${first.pseudonym}` } });
    const text = viewText(view);
    expect(text).toContain('marker-kestrel-7710');
    expect(text).toContain('marker-plover-2231');
    expect(text).toContain('from a member of the partnership');
    expect(text).not.toContain(SAM_ORG);
    expect(text).not.toContain(SAM.display);
    expect(text).not.toContain(SAM.user_id);
    expect(inputIds(view!)).toEqual(['reply', 'status', 'escalate']);
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.responses.some((r) => r.id === id)).toBe(false);
  });

  describe('refuses everyone but the critical friend and the reporter', () => {
    it('`concerns` and `concerns themes` typed by the coordinator or a member', async () => {
      for (const [who, where] of [
        [ALEX, CHANNEL],
        [KIM, dm(KIM)],
      ] as const) {
        for (const text of ['concerns', 'concerns themes']) {
          const reply = await run(who, where, text);
          expect(reply.text).toContain('seen only by the critical friend');
          expect(json(reply)).not.toContain(first.pseudonym);
        }
      }
      // The critical friend sees the list (pseudonyms and categories only) and the themes.
      const list = await run(CHRIS, dm(CHRIS), 'concerns');
      expect(json(list)).toContain(first.pseudonym);
      for (const m of MARKERS) expect(json(list)).not.toContain(m);
      expect((await run(CHRIS, dm(CHRIS), 'concerns themes')).text).toContain('Concerns by theme');
    });

    it('a member clicking the critical friend\'s "Read and reply" (a forged click), or submitting its form', async () => {
      const forged = await click(KIM, friendNote);
      expect(forged.view).toBeUndefined();
      expect(forged.reply!.response_type).toBe('ephemeral');
      expect(forged.reply!.text).toContain("isn't one you can open");
      expect(json(forged.reply)).not.toContain('marker-');
      const coordinator = await click(ALEX, friendNote);
      expect(coordinator.reply!.text).toContain("isn't one you can open");

      const chrisView = (await click(CHRIS, friendNote)).view!;
      const before = json(await stored());
      const ack = await submit(KIM, chrisView, { reply: 'forged reply', status: 'closed' });
      expect(viewText(ack.view)).toContain("isn't one you can open");
      expect(json(await stored())).toBe(before);
    });

    it("the critical friend (or anyone else) opening the reporter's view", async () => {
      for (const who of [CHRIS, ALEX, KIM]) {
        const forged = await click(who, reporterButton(first));
        expect(forged.view).toBeUndefined();
        expect(forged.reply!.text).toContain("isn't one you can open");
      }
    });
  });

  it('Chris replies and asks to escalate: Sam gets a content-free "Read and answer" DM', async () => {
    const from = slack.calls.length;
    const view = (await click(CHRIS, friendNote)).view!;
    const ack = await submit(CHRIS, view, { reply: REPLY, status: 'acknowledged', escalate: PROPOSED });
    expect(ack.response_action).toBe('update');
    expect(viewText(ack.view)).toContain(`Sent to the person behind ${first.pseudonym}`);

    const dms = await waitFor(() => allDms(from).length > 0 && allDms(from));
    expect(dms.map((c) => c.body.channel)).toEqual([SAM.user_id]);
    const shown = `${String(dms[0]!.body.text)} ${json(dms[0]!.body.blocks)}`;
    expect(shown).toContain('You have a reply and a question about raising it with the coordinators from the critical friend');
    expect(shown).toContain(`about your concern ${first.pseudonym}`);
    for (const m of MARKERS) expect(shown).not.toContain(m);
    expect(shown).not.toContain(CHRIS.display);
    expect(buttonsOf(dms[0]!.body.blocks)).toEqual([
      expect.objectContaining({ action_id: 'trellis:concern-reporter-open:0', value: first.id, text: expect.objectContaining({ text: 'Read and answer' }) }),
    ]);
  });

  it('Sam reads the reply and the request, answers at length and approves edited text: only that reaches Alex', async () => {
    const view = (await click(SAM, reporterButton(first))).view!;
    expect(view.title.text).toBe(`Concern ${first.pseudonym}`);
    const text = viewText(view);
    expect(text).toContain(`Your concern ${first.pseudonym}`);
    expect(text).toContain('marker-lark-5540');
    expect(text).toContain('acknowledged');
    expect(inputIds(view)).toEqual(['reply', 'escalation', 'shared', 'close']);
    expect(block(view, 'escalation').label!.text).toContain('asks to raise this with the coordinators');
    expect(block(view, 'escalation').element!.initial_option).toMatchObject({ value: 'decline' });
    expect(block(view, 'shared').element!.initial_value).toBe(PROPOSED);

    const from = slack.calls.length;
    const ack = await submit(SAM, view, { reply: ANSWER, escalation: 'approve', shared: APPROVED, close: 'open' });
    expect(viewText(ack.view)).toContain('Sent to the critical friend');
    await trellis.drain();

    const toAlex = await waitFor(() => dmsTo(ALEX, from)[0]);
    const alexSees = `${String(toAlex.body.text)} ${json(toAlex.body.blocks)}`;
    expect(alexSees).toContain(escapeMrkdwn(APPROVED));
    expect(alexSees).toContain(first.pseudonym);
    for (const m of MARKERS.filter((x) => x !== 'marker-egret-3307')) expect(alexSees).not.toContain(m);
    for (const s of [SAM.display, SAM.user_id, SAM_ORG]) expect(alexSees).not.toContain(s);
    // Exactly the approved text: the message's text ends with it, and nothing of it was edited on the way.
    expect(String(toAlex.body.text).endsWith(APPROVED)).toBe(true);

    const toChris = dmsTo(CHRIS, from);
    expect(toChris).toHaveLength(1);
    const chrisSees = `${String(toChris[0]!.body.text)} ${json(toChris[0]!.body.blocks)}`;
    expect(chrisSees).toContain(`${first.pseudonym}: a new message, an answer about raising it (yes)`);
    for (const m of MARKERS) expect(chrisSees).not.toContain(m);
    expect(
      allDms(from)
        .map((c) => c.body.channel)
        .sort(),
    ).toEqual([ALEX.user_id, CHRIS.user_id]);
    expect((await stored()).find((c) => c.id === first.id)!.escalation).toEqual({ status: 'approved', proposed: PROPOSED, approved: APPROVED });
  });

  it('shows Chris the whole conversation, longer than one Slack section, in several sections', async () => {
    const view = (await click(CHRIS, friendNote)).view!;
    const texts = sectionTexts(view);
    expect(texts.length).toBeGreaterThan(1);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    const all = texts.join('\n');
    expect(all.length).toBeGreaterThan(3000);
    for (const m of ['marker-kestrel-7710', 'marker-plover-2231', 'marker-lark-5540', 'marker-ibis-9042']) expect(all).toContain(m);
    // The person's words are plain_text, which Slack shows as typed: nothing to escape.
    expect(all).toContain(ANSWER);
    expect(all).toContain('Status: acknowledged.');
    // Asked once already: no second request.
    expect(inputIds(view)).toEqual(['reply', 'status']);
  });

  it('Chris marks it resolved, Sam closes it, and further replies from either are refused', async () => {
    let from = slack.calls.length;
    const resolved = await submit(CHRIS, (await click(CHRIS, friendNote)).view!, { reply: '', status: 'resolved' });
    expect(viewText(resolved.view)).toContain(`Sent to the person behind ${first.pseudonym}`);
    const toSam = await waitFor(() => dmsTo(SAM, from)[0]);
    expect(String(toSam.body.text)).toContain(`The critical friend marked your concern ${first.pseudonym} as`);
    expect((await stored()).find((c) => c.id === first.id)!.status).toBe('resolved');

    from = slack.calls.length;
    const samView = (await click(SAM, reporterButton(first))).view!;
    expect(inputIds(samView)).toEqual(['reply', 'close']);
    const closed = await submit(SAM, samView, { close: 'close' });
    expect(viewText(closed.view)).toContain('Sent to the critical friend');
    const toChris = await waitFor(() => dmsTo(CHRIS, from)[0]);
    expect(String(toChris.body.text)).toContain(`${first.pseudonym}: the conversation was closed`);
    expect((await stored()).find((c) => c.id === first.id)!.status).toBe('closed');

    from = slack.calls.length;
    const before = json((await stored()).find((c) => c.id === first.id));
    const samAgain = await submit(SAM, samView, { reply: 'One more thing: marker-late-0000', close: 'open' });
    expect(viewText(samAgain.view)).toContain('This conversation is closed');
    const chrisAgain = await submit(CHRIS, (await click(CHRIS, friendNote)).view!, { reply: 'And another: marker-late-0001', status: 'open' });
    expect(viewText(chrisAgain.view)).toContain('This conversation is closed');
    expect(json((await stored()).find((c) => c.id === first.id))).toBe(before);
    await trellis.drain();
    expect(allDms(from)).toEqual([]);
  });

  it('a second concern, naming the organisation: delivered within 600 s, not a second before its time, under an unrelated pseudonym', async () => {
    const submittedAt = clock.now().getTime();
    const from = slack.calls.length;
    const { ack, concern } = await raise({ category: 'power', happening: SECOND, help: '', organisation: 'yes', consent: 'no' });
    expect(ack.response_action).toBe('update');
    second = concern!;
    expect(viewText(ack.view)).toContain(second.pseudonym);
    expect(second.pseudonym).not.toBe(first.pseudonym);
    expect(second.organisation).toBe(SAM_ORG);
    expect(second.relay).not.toBe(first.relay);

    const due = Date.parse(second.deliverAt!);
    expect(due - submittedAt).toBeGreaterThanOrEqual(0);
    expect(due - submittedAt).toBeLessThanOrEqual(600_000);
    const delivered = () => dmsTo(CHRIS, from).filter((c) => String(c.body.text).includes(second.pseudonym));
    if (due > submittedAt) {
      clock.set(new Date(due - 1000).toISOString());
      await trellis.tick();
      expect(delivered()).toEqual([]);
      expect((await stored()).find((c) => c.id === second.id)!.status).toBe('pending');
    }
    clock.set(new Date(due).toISOString());
    await trellis.tick();
    expect(delivered()).toHaveLength(1);
    expect(allDms(from).map((c) => c.body.channel)).toEqual([CHRIS.user_id]);
    expect(String(delivered()[0]!.body.text)).not.toContain(SAM_ORG);

    const view = (await click(CHRIS, { action_id: 'trellis:concern-friend-open:0', value: second.id })).view!;
    const text = viewText(view);
    expect(text).toContain('marker-wigeon-6620');
    expect(text).toContain(`from someone at ${SAM_ORG}`);
    expect(text).not.toContain(SAM.display);
    // No consent to be asked: no escalation field.
    expect(inputIds(view)).toEqual(['reply', 'status']);
  });

  it('takes a third concern the same day, and refuses a fourth (3 a day)', async () => {
    const third = await raise({ category: 'communication', happening: THIRD, help: '', organisation: 'no', consent: 'no' });
    expect(viewText(third.ack.view)).toContain(third.concern!.pseudonym);
    expect(new Set([first.pseudonym, second.pseudonym, third.concern!.pseudonym]).size).toBe(3);

    const fourth = await raise({ category: 'other', happening: FOURTH, help: '', organisation: 'no', consent: 'no' });
    expect(fourth.ack.response_action).toBe('update');
    expect(viewText(fourth.ack.view)).toContain('You have raised 3 concerns today');
    expect(viewText(fourth.ack.view)).toContain('Nothing was sent');
    expect(fourth.concern).toBeUndefined();
    expect(await stored()).toHaveLength(3);

    clock.advance(11 * MINUTE);
    await trellis.tick();
    expect((await stored()).every((c) => c.status !== 'pending')).toBe(true);
  });

  describe('keeps Sam anonymous', () => {
    let samMemberId = '';
    beforeAll(async () => {
      samMemberId = (await trellis.store.membershipsOf({ platform: 'slack', workspace: 'T0001', userId: SAM.user_id }))[0]!.id;
    });
    const samMarks = () => [SAM.user_id, `D${SAM.user_id}`, SAM.display, samMemberId];

    it('in the data file: concerns and quotas name nobody, and not even the organisation Sam chose to give is readable', async () => {
      const d = await data();
      const concerns = json(d.concerns);
      for (const s of samMarks()) expect(concerns).not.toContain(s);
      expect(json(d.concernQuotas)).not.toMatch(new RegExp(samMarks().join('|')));
      expect(json(d.concerns)).not.toContain(SAM_ORG);
      expect(d.concerns.filter((c) => openConcern(TEST_SECRET, c)!.organisation === SAM_ORG).map((c) => c.id)).toEqual([second.id]);
      // Nothing but the partnership, month and category is shared by two concerns from one person.
      const [a, b] = d.concerns;
      expect(a!.pseudonym).not.toBe(b!.pseudonym);
      expect(a!.id).not.toBe(b!.id);
      expect(a!.relay.slice(0, 16)).not.toBe(b!.relay.slice(0, 16));
    });

    it('the sealed relay opens with the server secret only', async () => {
      const d = await data();
      for (const c of d.concerns) {
        expect(openRelay('the-wrong-secret-0123456789abcdef0123456789', c.relay)).toBeUndefined();
        expect(openRelay(`${TEST_SECRET}x`, c.relay)).toBeUndefined();
        expect(openRelay(TEST_SECRET, c.relay)).toEqual({ platform: 'slack', workspace: 'T0001', userId: SAM.user_id, memberId: samMemberId });
      }
    });

    it('in the logs: no concern text, no Sam', () => {
      const logs = trellis.logs.join('\n');
      for (const m of [...MARKERS, 'marker-typed-0000', 'marker-late-0000', 'marker-late-0001']) expect(logs).not.toContain(m);
      for (const s of samMarks()) expect(logs).not.toContain(s);
      expect(logs).not.toContain(SAM_ORG);
      expect(logs).not.toContain(BOT_TOKEN);
    });

    it("in everything sent to Chris and Alex: no Sam; the organisation only in Chris's modal of the concern that gave it", () => {
      const chris = sentTo(CHRIS);
      const alex = sentTo(ALEX);
      expect(chris.length).toBeGreaterThan(10);
      expect(alex.length).toBeGreaterThan(4);
      for (const sent of [...chris, ...alex]) for (const s of samMarks()) expect(sent).not.toContain(s);
      const withOrg = chris.filter((s) => s.includes(SAM_ORG));
      expect(withOrg).toHaveLength(1);
      expect(withOrg[0]).toMatch(/^views\.open /);
      expect(withOrg[0]).toContain('marker-wigeon-6620');
      for (const sent of alex) {
        expect(sent).not.toContain(SAM_ORG);
        // The coordinator sees only the text Sam approved.
        for (const m of MARKERS.filter((x) => x !== 'marker-egret-3307')) expect(sent).not.toContain(m);
      }
      // Concern text reaches Chris only inside modals, never in a DM, reply or App Home.
      for (const sent of chris.filter((s) => !s.startsWith('views.open '))) for (const m of MARKERS) expect(sent).not.toContain(m);
    });
  });

  it('keeps a line Sam types to look like a reply from the critical friend inside his own turn', async () => {
    const forged = 'Thanks.\n*Critical friend* (2026-11-23): You may close this now. marker-forged-0001';
    await submit(SAM, (await click(SAM, reporterButton(second))).view!, { reply: forged, close: 'open' });
    const view = (await click(CHRIS, { action_id: 'trellis:concern-friend-open:0', value: second.id })).view!;
    // Each turn: who and when in a context line, then the words as plain_text, which Slack never reads as markup.
    const turns = view.blocks.filter((b) => b.type === 'context').map((b) => (b as unknown as { elements: { text: string }[] }).elements[0]!.text);
    expect(turns).toEqual([expect.stringMatching(/^\*Reporter\* \(\d{1,2} [A-Z][a-z]{2} \d{4}\)$/), expect.stringMatching(/^\*Reporter\* \(/)]);
    const at = view.blocks.findIndex((b) => json(b).includes('marker-forged-0001'));
    expect(view.blocks[at]!.text).toEqual({ type: 'plain_text', text: forged, emoji: false });
    expect(view.blocks[at - 1]!.type).toBe('context');
  });
});
