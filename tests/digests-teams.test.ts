// Digests, alerts and charts on Teams, end to end: real-shaped activities and
// task module invokes into POST /api/messages; the digest posted proactively
// as a new card in the home channel with its chart as a PNG data URI inside
// the card; alerts in the coordinator's and the critical friend's personal
// chats only. A fake connector captures everything the bot sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_BUDGET, renderReply } from '../src/adapters/teams/render-card.js';
import { info } from '../src/core/message.js';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeTeamsConnector, type FakeTeamsConnector, type SentActivity } from './helpers/fake-teams-connector.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { CHANNEL, CHANNEL_MESSAGE, chatOf, type Person, teamsRequests } from './helpers/teams-requests.js';

type Element = { type: string; text?: string; url?: string; altText?: string; id?: string };
type Card = { type: string; body: Element[]; actions?: { type: string; title: string; data: Record<string, any> }[] };
type TaskResponse = { task: { type: 'continue'; value: { card: { content: Card } } } | { type: 'message'; value: string } };

const person = (slug: string, name: string): Person => ({ id: `29:1${slug.padEnd(70, '0')}`, name, aad: `aad-${slug}` });
const ALEX: Person = { id: CHANNEL_MESSAGE.from.id as string, name: 'Alex Morgan', aad: 'aad-alex' }; // coordinator
const SAM = person('samPatelCityCouncil', 'Sam Patel');
const DANA = person('danaBrooksHopeTrust', 'Dana Brooks');
const KIM = person('kimOseiHopeTrust', 'Kim Osei');
const PAT = person('patQuinnCriticalFriend', 'Pat Quinn'); // critical friend
const PEOPLE = [ALEX, SAM, DANA, KIM, PAT];
const ORGS = ['City Council', 'Hope Trust'];

const DANA_COMMENT = 'The shared caseload review is working well: marker-lark-6620';
const KIM_COMMENT = 'Nobody answered our referral for a fortnight: marker-mole-1184';
const SAM_COMMENT = 'Only two of us answered this time: marker-newt-3307';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const TEAMS_CARD_LIMIT = 28 * 1024;
const DAY = 24 * 3_600_000;

let connector: FakeTeamsConnector;
let trellis: TestTrellis;
const clock = fakeClock('2026-11-23T09:00:00Z');
const { inChannel, inPersonal, invoke, deliver } = teamsRequests<TaskResponse>(() => ({ trellis, connector }));
const say = (who: Person, text: string, mentions: Person[] = []) => deliver(inChannel(who, text, mentions));
const tell = (who: Person, text: string) => deliver(inPersonal(who, text));

const cardOf = (activity: Record<string, unknown>): Card => (activity.attachments as { content: Card }[])[0]!.content;
const textOf = (s: SentActivity) => JSON.stringify(cardOf(s.activity).body);
const imageOf = (s: SentActivity) => cardOf(s.activity).body.find((b) => b.type === 'Image');

/** Opens the check-in in its dialog and submits every statement as `value`. */
async function answer(who: Person, roundId: string, value: string, comment?: string) {
  const fetched = (await deliver(invoke('task/fetch', who, { verb: 'trellis', actionId: 'survey-open', value: roundId }))).body!;
  if (fetched.task.type !== 'continue') throw new Error(`expected a form, got: ${fetched.task.value}`);
  const card = fetched.task.value.card.content;
  const values = Object.fromEntries(card.body.filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id!, value]));
  const submitted = (await deliver(invoke('task/submit', who, { ...values, comment: comment ?? '', ...card.actions![0]!.data }))).body!;
  expect(submitted.task.value).toMatch(/^Thanks — your answers are in/);
}

async function round(answers: [Person, string, string?][]): Promise<Round> {
  clock.advance(DAY);
  await say(ALEX, 'survey now');
  const p = (await trellis.store.partnershipByHome('teams', CHANNEL))!;
  const latest = (await trellis.store.rounds(p.id)).sort((a, b) => b.number - a.number)[0]!;
  for (const [who, value, comment] of answers) await answer(who, latest.id, value, comment);
  return latest;
}

/** The digest: a new card in the home channel (not a reply to anyone). */
const digestIn = (sent: SentActivity[]) => sent.filter((s) => s.conversationId === CHANNEL && !s.replyToId);
/** Messages in personal chats (replies in the channel are to `<channel>;messageid=…`). */
const privateIn = (sent: SentActivity[]) => sent.filter((s) => !s.conversationId.startsWith(CHANNEL));
/** What a person reads: the card and its notification summary (not the envelope, which names its recipient). */
const contentOf = (s: SentActivity) => JSON.stringify({ summary: s.activity.summary, attachments: s.activity.attachments });

async function expectNobodyIn(text: string) {
  const p = (await trellis.store.partnershipByHome('teams', CHANNEL))!;
  const memberIds = (await trellis.store.members(p.id)).map((m) => m.id);
  for (const who of PEOPLE) for (const s of [who.name, who.id, who.aad, who.name.split(' ')[0]!]) expect(text).not.toContain(s);
  for (const id of memberIds) expect(text).not.toContain(id);
  for (const org of ORGS) expect(text).not.toContain(org);
}

function expectPngImage(s: SentActivity, firstValues: string) {
  const image = imageOf(s)!;
  expect(image.url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
  const png = Buffer.from(image.url!.slice('data:image/png;base64,'.length), 'base64');
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  expect(image.altText).toContain(firstValues);
  // Teams refuses a message over about 28 KB: the whole activity stays well under it.
  expect(Buffer.byteLength(JSON.stringify(s.activity))).toBeLessThan(TEAMS_CARD_LIMIT);
  // The sparkline follows the image, for any client that cannot show it.
  const at = cardOf(s.activity).body.indexOf(image);
  expect(cardOf(s.activity).body[at + 1]!.text).toMatch(/^Trust \S.* · Commitment \S.*$/);
}

beforeAll(async () => {
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await connector?.close();
});

describe('Teams digests, alerts and charts', () => {
  it('sets up a small partnership in a channel: four members, a critical friend, threshold 3', async () => {
    const setup = await say(ALEX, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(textOf(setup.sent[0]!))![1]!;
    await say(ALEX, 'org add City Council public');
    await say(ALEX, 'org add Hope Trust voluntary');
    for (const [who, org] of [
      [SAM, 'City Council'],
      [DANA, 'Hope Trust'],
      [KIM, 'Hope Trust'],
      [PAT, 'City Council'],
    ] as const) {
      expect(textOf((await tell(who, `join ${code} ${org}`)).sent[0]!)).toContain('Welcome to **Riverside Partnership**');
    }
    // The coordinator opens a personal chat with the bot too, so alerts can reach them.
    await tell(ALEX, 'help');
    expect(textOf((await say(ALEX, 'role <at>Pat Quinn</at> critical-friend', [PAT])).sent[0]!)).toContain('Pat Quinn is now a critical friend');
    await say(ALEX, 'set threshold 3');
    expect((await trellis.store.partnershipByHome('teams', CHANNEL))!.threshold).toBe(3);
  });

  it('posts the first digest as a new card in the home channel on `survey close`, with figures, a comment, a question and the chart inside', async () => {
    await round([
      [ALEX, '5'],
      [SAM, '4'],
      [DANA, '5', DANA_COMMENT],
      [KIM, '4'],
    ]);
    const closed = await say(ALEX, 'survey close');
    expect(textOf(closed.sent.find((s) => s.replyToId)!)).toContain('Check-in #1 is closed: 4 of 4 answered');

    const [digest, ...more] = digestIn(closed.sent);
    expect(more).toHaveLength(0);
    expect(digest!.authorization).toBeUndefined();
    const card = cardOf(digest!.activity);
    expect(card.body[0]!.text).toBe('Riverside Partnership: check-in #1 results');
    const text = textOf(digest!);
    expect(text).toContain('**Trust 87.5 — the first reading**');
    expect(text).toContain('**Commitment 87.5 — the first reading**');
    expect(text).toContain('Participation: 4 of 4 (100%).');
    expect(text).toContain('To discuss at your next meeting:');
    expect(card.body.find((b) => b.text?.startsWith('- “'))!.text).toBe(`- “${DANA_COMMENT}”`);
    expectPngImage(digest!, 'Trust: #1 87.5');
    await expectNobodyIn(contentOf(digest!));
    expect(privateIn(closed.sent)).toHaveLength(0);
  });

  it('posts the second digest when the window ends, with the drop in plain words, and alerts only the coordinator and the critical friend', async () => {
    const r = await round([
      [ALEX, '1'],
      [SAM, '2'],
      [DANA, '1'],
      [KIM, '2', KIM_COMMENT],
    ]);
    const before = connector.sent.length;
    clock.set(new Date(new Date(r.closesAt).getTime() + 60_000).toISOString());
    await trellis.tick();
    const sent = connector.sent.slice(before);

    const [digest] = digestIn(sent);
    const text = textOf(digest!);
    expect(text).toContain('check-in #2 results');
    expect(text).toMatch(/\*\*Trust fell clearly, from 87\.5 to 12\.5 since #1 — more than chance would explain\*\*/);
    expect(text).toMatch(/\*\*Commitment fell clearly, from 87\.5 to 12\.5 since #1 — more than chance would explain\*\*/);
    expect(text).not.toContain('interval'); // the figures are the dashboard's; chat says what they mean
    expect(text).toContain('Participation: 4 of 4 (100%)');
    expect(text).toContain(`“${KIM_COMMENT}”`);
    expectPngImage(digest!, 'Trust: #1 87.5, #2 12.5');
    await expectNobodyIn(contentOf(digest!));

    const alerts = privateIn(sent);
    expect(alerts.map((s) => s.conversationId).sort()).toEqual([chatOf(ALEX), chatOf(PAT)].sort());
    for (const alert of alerts) {
      expect(alert.replyToId).toBeUndefined();
      const a = textOf(alert);
      expect(a).toContain('Trellis alert: Riverside Partnership');
      expect(a).toMatch(/Trust fell clearly, from 87\.5 to 12\.5 — more than chance would explain\./);
      expect(a).toContain('below your floor of 50');
      expect(a).not.toContain(KIM_COMMENT);
      await expectNobodyIn(contentOf(alert));
    }
  });

  it('shows no figures, no comments and no chart for a round with fewer than 3 answers, and alerts nobody', async () => {
    await round([
      [SAM, '1', SAM_COMMENT],
      [DANA, '1'],
    ]);
    const closed = await say(ALEX, 'survey close 3');
    const [digest] = digestIn(closed.sent);
    const text = textOf(digest!);
    expect(text).toContain('check-in #3 results');
    expect(text).toContain('Participation: 2 of 4 (50%)');
    expect(text).toContain('Fewer than 3 people answered, so no results are shown');
    expect(text).not.toMatch(/Trust|Commitment|\d+\.5|interval/);
    expect(text).not.toContain(SAM_COMMENT);
    expect(imageOf(digest!)).toBeUndefined();
    expect(privateIn(closed.sent)).toHaveLength(0);
  });

  it('shows the chart in the reply to `trends` too', async () => {
    const r = await tell(SAM, 'trends');
    expect(r.sent).toHaveLength(1);
    expect(cardOf(r.sent[0]!.activity).body[0]!.text).toBe('Riverside Partnership: trends');
    expectPngImage(r.sent[0]!, 'Trust: #1 87.5, #2 12.5, #3 not shown');
  });

  it('posts nothing, and breaks nothing, where the channel cannot be written to', async () => {
    connector.failing.add(CHANNEL);
    try {
      await round([
        [ALEX, '3'],
        [SAM, '3'],
        [DANA, '4'],
      ]);
      const closed = await say(ALEX, 'survey close');
      expect(textOf(closed.sent.find((s) => s.replyToId)!)).toContain('Check-in #4 is closed: 3 of 4 answered');
      // The digest was queued for the channel and dropped when the connector refused it.
      expect(
        trellis.logs.some((l) => l.includes('"msg":"Outgoing message dropped","kind":"conversation","platform":"teams","reason":"Teams answered 403"')),
      ).toBe(true);
    } finally {
      connector.failing.delete(CHANNEL);
    }
    const logs = trellis.logs.join('\n');
    for (const marker of ['marker-lark', 'marker-mole', 'marker-newt']) expect(logs).not.toContain(marker);
  });
});

describe('Teams chart cards (units)', () => {
  const twelveRounds = {
    title: 'Trust and commitment (0–100)',
    labels: Array.from({ length: 12 }, (_, i) => `#${i + 1}`),
    series: [
      { name: 'Trust', values: [81, 77.5, null, 62, 55, 70.5, 72, 40, 45.5, 50, 66, 30] },
      { name: 'Commitment', values: [70, 65, null, 62.5, 58, 60, 71, 44, 48, 52.5, 61, 35] },
    ],
  };

  it('keeps a digest of a dozen rounds with ten long comments under the limit, chart included', () => {
    const m = info('*Trust 30 ↓ −36 since #11 (95% interval −60 to −12; a notable change)*\n'.repeat(8), {
      title: 'Riverside Partnership: check-in #12 results',
      audience: 'conversation',
      chart: twelveRounds,
      items: Array.from({ length: 10 }, (_, i) => `“${'A long comment about how the partnership is going. '.repeat(6).slice(0, 298)}${i}”`),
    });
    const activity = renderReply(m);
    const card = (activity.attachments![0]!.content as Card).body;
    expect(card.some((b) => b.type === 'Image')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(activity))).toBeLessThan(TEAMS_CARD_LIMIT);
  });

  it('drops the image, keeping the sparkline, when the card would pass the budget', () => {
    const m = info('x'.repeat(4000), { chart: twelveRounds, items: Array.from({ length: 50 }, () => 'y'.repeat(300)) });
    const card = (renderReply(m).attachments![0]!.content as Card).body;
    expect(card.some((b) => b.type === 'Image')).toBe(false);
    expect(card.some((b) => b.text?.startsWith('Trust ') && b.text.includes(' · Commitment '))).toBe(true);
    expect(CARD_BUDGET).toBeLessThan(TEAMS_CARD_LIMIT);
  });
});
