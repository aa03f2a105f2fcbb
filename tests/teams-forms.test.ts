// On Teams, end to end: `set` typed with no words answers with a card whose
// button opens the settings form in a dialog, and its submit applies what
// changed. `survey cancel` typed in the channel only asks; the card's "Cancel
// the check-in" button (an Action.Submit clicked in the channel) discards the
// check-in, and each member's check-in card in their personal chat says so.
// A newcomer's console "Set up a partnership here" opens the setup form, and its submit (a long sealed context) sets it up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { type Activity, CHANNEL, CHANNEL_MESSAGE, chatOf, fixture, type Person, teamsRequests } from './helpers/teams-requests.js';

type Block = { type: string; id?: string; text?: string; value?: string; color?: string };
type Card = { type: string; body: Block[]; actions?: { type: string; title: string; style?: string; data: Record<string, any> }[] };
type TaskResponse = { task: { type: 'continue'; value: { title: string; card: { contentType: string; content: Card } } } | { type: 'message'; value: string } };

const ALEX: Person = { id: CHANNEL_MESSAGE.from.id as string, name: 'Alex Morgan', aad: 'aad-alex' };
const SAM = { id: fixture('personal-message').from.id as string, name: 'Sam Patel', aad: 'aad-sam-9e8d7c6b' };
const DANA = { id: '29:1Kp4danaBrooksEmploymentService000000000000000000000000000000000000000000', name: 'Dana Brooks', aad: 'aad-dana-1f2e3d4c' };
const COMMENT = 'The depot handover meetings keep overrunning';

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const clock = fakeClock('2026-11-23T09:00:00Z'); // a Monday
let seq = 0;

const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => ({ trellis, connector }));
const say = (who: Person, text: string) => deliver(inChannel(who, text));
const tell = (who: Person, text: string) => deliver(inPersonal(who, text));
const cardOf = (activity: Record<string, unknown>): Card => (activity.attachments as { content: Card }[])[0]!.content;
const textOf = (activity: Record<string, unknown>) => JSON.stringify(cardOf(activity).body);
const replyOf = (r: { sent: { replyToId?: string; activity: Record<string, unknown> }[] }) => r.sent.find((s) => s.replyToId)!.activity;
/** A click on an Action.Submit of a card in the channel: a message carrying the button's data. */
function click(who: Person, value: unknown): Activity {
  const m = fixture('card-submit');
  return { ...m, id: `c${++seq}`, serviceUrl: connector.serviceUrl, from: { ...m.from, id: who.id, name: who.name }, value };
}
const partnership = async () => (await trellis.store.partnershipByHome('teams', CHANNEL))!;
const latestRound = async (): Promise<Round> => (await trellis.store.rounds((await partnership()).id)).sort((a, b) => b.number - a.number)[0]!;

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams: survey cancel', () => {
  let confirm: Record<string, any>;

  it('opens a check-in that Sam answers', async () => {
    const setup = await say(ALEX, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(replyOf(setup)))![1]!;
    await say(ALEX, 'org add City Council public');
    for (const who of [SAM, DANA]) expect(textOf(replyOf(await tell(who, `join ${code} City Council`)))).toContain('Riverside Partnership');
    const opened = await say(ALEX, 'survey now');
    const cards = opened.sent.filter((s) => !s.replyToId);
    expect(cards.map((s) => s.conversationId).sort()).toEqual([chatOf(SAM), chatOf(DANA)].sort());
    const samCard = cardOf(cards.find((s) => s.conversationId === chatOf(SAM))!.activity);
    const fetched = await deliver(invoke('task/fetch', SAM, samCard.actions!.find((a) => a.data.msteams)!.data));
    if (fetched.body!.task.type !== 'continue') throw new Error('expected the check-in form');
    const form = fetched.body!.task.value.card.content;
    const values = Object.fromEntries(form.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id!, '2']));
    await deliver(invoke('task/submit', SAM, { ...values, comment: COMMENT, ...form.actions![0]!.data }));
    expect(await trellis.store.answerSets((await latestRound()).id)).toHaveLength(1);
  });

  it('typed, `survey cancel` only asks, with a danger button to confirm and one to keep it', async () => {
    await trellis.drain();
    const before = await trellis.data();
    const ask = cardOf(replyOf(await say(ALEX, 'survey cancel')));
    expect(JSON.stringify(ask.body)).toContain('Cancel Check-in #1?');
    expect(ask.actions!.map((a) => [a.title, a.style])).toEqual([
      ['Cancel the check-in', 'destructive'],
      ['Keep it', undefined],
    ]);
    confirm = ask.actions![0]!.data;
    expect(confirm).toMatchObject({ verb: 'trellis', actionId: 'run', value: 'survey cancel 1' });
    expect(await trellis.data()).toBe(before);
  });

  it("a member's click on the confirmation is refused", async () => {
    const refused = await deliver(click(SAM, confirm));
    expect(textOf(replyOf(refused))).toContain('Only coordinators can run check-ins');
    expect((await latestRound()).cancelledAt).toBeUndefined();
  });

  it("the coordinator's click cancels it: answers deleted, and each member's check-in card says it was cancelled", async () => {
    const round = await latestRound();
    const updatedBefore = connector.updated.length;
    const done = await deliver(click(ALEX, confirm));
    expect(textOf(replyOf(done))).toContain('Check-in #1 is cancelled');
    expect((await trellis.store.round(round.id))?.cancelledAt).toBeDefined();
    expect(await trellis.store.answerSets(round.id)).toEqual([]);
    expect(await trellis.store.invitations(round.id)).toEqual([]);
    const updates = await waitFor(() => {
      const u = connector.updated.slice(updatedBefore);
      return u.length === 2 ? u : undefined;
    });
    expect(updates.map((u) => u.conversationId).sort()).toEqual([chatOf(SAM), chatOf(DANA)].sort());
    for (const u of updates) {
      expect(textOf(u.activity)).toContain('was cancelled');
      expect(JSON.stringify(u.activity)).not.toContain(COMMENT);
    }
    await trellis.drain();
    expect(await trellis.data()).not.toContain(COMMENT);
  });
});

describe('Teams: `set` with no words', () => {
  let open: Record<string, any>;
  let form: Card;
  const submitData = (values: Record<string, string>) => ({ ...values, ...form.actions![0]!.data });

  it('answers with a card whose button opens the settings form, prefilled, in a dialog', async () => {
    const card = cardOf(replyOf(await say(ALEX, 'set')));
    const p = await partnership();
    open = card.actions![0]!.data;
    expect(open).toEqual({ msteams: { type: 'task/fetch' }, verb: 'trellis', actionId: 'command-form', value: `${p.id}:set` });
    const body = (await deliver(invoke('task/fetch', ALEX, open, 'channel'))).body!;
    if (body.task.type !== 'continue') throw new Error(`expected the form, got: ${body.task.value}`);
    form = body.task.value.card.content;
    const inputs = Object.fromEntries(form.body.filter((b) => b.type.startsWith('Input.')).map((b) => [b.id, b.value]));
    expect(inputs).toEqual({
      purpose: undefined,
      type: 'coordinating',
      timezone: 'Europe/London',
      threshold: '5',
      concerns: '12',
      comments: '24',
      invitations: '30',
      closed: '12',
    });
  });

  it('refuses a bad threshold beside its field in the dialog, changing nothing', async () => {
    await trellis.drain();
    const before = await trellis.data();
    const r = await deliver(invoke('task/submit', ALEX, submitData({ type: 'coordinating', timezone: 'Europe/London', threshold: '2' }), 'channel'));
    if (r.body!.task.type !== 'continue') throw new Error('expected the form again, with its error');
    expect(JSON.stringify(r.body!.task.value.card.content.body)).toContain('The threshold cannot be below 3');
    expect(await trellis.data()).toBe(before);
  });

  it('applies only what changed', async () => {
    const r = await deliver(invoke('task/submit', ALEX, submitData({ type: 'implementing', timezone: 'Europe/London', threshold: '5' }), 'channel'));
    if (r.body!.task.type !== 'message') throw new Error('expected a message');
    expect(r.body!.task.value).toBe('Type of Riverside Partnership is now: implementing.');
    expect(await partnership()).toMatchObject({ type: 'implementing', threshold: 5, timezone: 'Europe/London' });
  });
});

describe('Teams: a newcomer sets up by form', () => {
  // A fresh server: nobody is in a partnership yet.
  let fresh: TestTrellis;
  let freshConnector: FakeTeamsConnector;
  const newcomer = teamsRequests<TaskResponse>(() => ({ trellis: fresh, connector: freshConnector }));

  beforeAll(async () => {
    freshConnector = await startFakeTeamsConnector();
    fresh = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }, { clock });
  });
  afterAll(async () => {
    await fresh?.close();
    await freshConnector?.close();
  });

  it("submits the console's setup form, whose sealed context is longer than the 200 characters Teams once allowed", async () => {
    const menu = cardOf(replyOf(await newcomer.deliver(newcomer.inChannel(ALEX, 'menu'))));
    const button = menu.actions!.find((a) => a.title === 'Set up a partnership here')!;
    const body = (await newcomer.deliver(newcomer.invoke('task/fetch', ALEX, button.data, 'channel'))).body!;
    if (body.task.type !== 'continue') throw new Error(`expected the form, got: ${body.task.value}`);
    const form = body.task.value.card.content;
    expect(String(form.actions![0]!.data.context).length).toBeGreaterThan(200);
    const r = await newcomer.deliver(newcomer.invoke('task/submit', ALEX, { name: 'Northside Partnership', ...form.actions![0]!.data }, 'channel'));
    if (r.body!.task.type !== 'message') throw new Error('expected a message');
    expect((await fresh.store.partnershipByHome('teams', CHANNEL))?.name).toBe('Northside Partnership');
  });
});
