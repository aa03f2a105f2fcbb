// The set-up checklist in Teams, end to end through /api/messages: `setup` in
// a channel sends the checklist to the coordinator's personal chat (the reply
// stays in the channel's thread), each step done is a PUT of that same
// activity, and its "Choose my organisation" button opens a dialog whose
// submit runs `join`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTeamsConnector, type FakeTeamsConnector, type SentActivity } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { teamsActivityId } from './helpers/outbox.js';
import { ALEX, chatOf, SAM, teamsRequests, UNAUTHENTICATED } from './helpers/teams-requests.js';

type Block = { type: string; id?: string; text?: string; choices?: { title: string; value: string }[] };
type CardAction = { type: string; title: string; data?: Record<string, unknown> };
type Card = { type: string; body: Block[]; actions?: CardAction[] };
type TaskResponse = { task: { type: 'continue'; value: { title: string; card: { content: Card } } } | { type: 'message'; value: string } };

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let checklist: SentActivity;

const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => ({ trellis, connector }));
const say = (text: string) => deliver(inChannel(ALEX, text));
const cardOf = (activity: Record<string, unknown>): Card => (activity.attachments as { content: Card }[])[0]!.content;
const textOf = (activity: Record<string, unknown>) => JSON.stringify(cardOf(activity).body);
/** The checklist as the connector now holds it: its last PUT, or the activity first sent. */
const shown = () => connector.updated.filter((u) => u.activityId === teamsActivityId(connector, checklist)).at(-1)?.activity ?? checklist.activity;

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis(UNAUTHENTICATED);
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams set-up checklist', () => {
  it("sends the checklist to the coordinator's personal chat, while the setup reply stays in the channel", async () => {
    await deliver(inPersonal(ALEX, 'help')); // a personal chat with Trellis: Teams lets a bot write there only after one
    const r = await say('setup Riverside Partnership');
    const reply = r.sent.find((s) => s.replyToId)!;
    expect(textOf(reply.activity)).toContain('Alex Morgan: your set-up checklist is in your private chat with Trellis.');
    const proactive = r.sent.filter((s) => !s.replyToId);
    expect(proactive.map((s) => s.conversationId)).toEqual([chatOf(ALEX)]);
    checklist = proactive[0]!;
    expect(textOf(checklist.activity)).toContain('Set up Riverside Partnership');
    expect(textOf(checklist.activity)).toContain('0 of 5 done');
    const actions = cardOf(checklist.activity).actions!;
    expect(actions.map((a) => a.title)).toEqual([
      'Add an organisation',
      'Choose my organisation',
      'Add someone by email',
      'Choose a critical friend',
      'Schedule check-ins',
    ]);
    // Each opens a dialog (or will, once its command opens a form): Teams must know before the click.
    for (const a of actions) expect(a.data).toMatchObject({ msteams: { type: 'task/fetch' } });
  });

  it('ticks a step with a PUT of that same activity, and only when a step is done', async () => {
    const one = await say('org add City Council public');
    expect(one.updated).toEqual([]);
    const two = await say('org add Health Trust public');
    expect(two.sent.filter((s) => !s.replyToId)).toEqual([]);
    expect(two.updated.map((u) => [u.conversationId, u.activityId])).toEqual([[chatOf(ALEX), teamsActivityId(connector, checklist)]]);
    expect(textOf(shown())).toContain('1 of 5 done');
    expect(textOf(shown())).toContain('✅');
    expect(cardOf(shown()).actions!.map((a) => a.title)).not.toContain('Add an organisation');
  });

  it('opens "Which organisation are you in?" as a dialog, and ticks when it is saved', async () => {
    const button = cardOf(shown()).actions!.find((a) => a.title === 'Choose my organisation')!;
    const opened = await deliver(invoke('task/fetch', ALEX, button.data));
    expect(opened.sent).toEqual([]);
    if (opened.body!.task.type !== 'continue') throw new Error(`expected a form: ${opened.body!.task.value}`);
    const form = opened.body!.task.value.card.content;
    const trust = form.body.find((b) => b.id === 'organisation')!.choices!.find((c) => c.title === 'Health Trust')!;
    const saved = await deliver(invoke('task/submit', ALEX, { organisation: trust.value, ...form.actions![0]!.data }));
    expect(saved.body!.task).toMatchObject({ type: 'message', value: expect.stringContaining('your organisation is now Health Trust') });
    expect(saved.updated.map((u) => u.activityId)).toEqual([teamsActivityId(connector, checklist)]);
    expect(textOf(shown())).toContain('2 of 5 done');
  });

  it('ticks "Invite partners" when a partner joins from their own personal chat', async () => {
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(checklist.activity))![1]!;
    const joined = await deliver(inPersonal(SAM, `join ${code} City Council`));
    expect(joined.updated.map((u) => [u.conversationId, u.activityId])).toEqual([[chatOf(ALEX), teamsActivityId(connector, checklist)]]);
    expect(textOf(shown())).toContain('3 of 5 done');
  });
});
