// Digests, alerts and charts on Slack, end to end: signed slash commands,
// clicks and modal submissions into the real server; the digest posted to the
// home channel with its chart uploaded as a PNG (files.uploadV2) into its
// thread; alerts in the coordinator's and the critical friend's DMs only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Round } from '../src/core/model.js';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack, type SlackCall } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET, event, fixture, interaction } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' }; // coordinator, independent
const SAM: Who = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' }; // City Council
const KIM: Who = { user_id: 'U0KIM', user_name: 'kim', display: 'Kim Osei' }; // Hope Trust
const LEE: Who = { user_id: 'U0LEE', user_name: 'lee', display: 'Lee Novak' }; // Hope Trust
const PAT: Who = { user_id: 'U0PAT', user_name: 'pat', display: 'Pat Quinn' }; // critical friend
const PEOPLE = [ALEX, SAM, KIM, LEE, PAT];
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const ORGS = ['City Council', 'Hope Trust'];
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

const KIM_COMMENT = 'Referrals are finally flowing both ways: marker-wren-2291';
const LEE_COMMENT = 'Nobody followed up on the funding bid: marker-stoat-7710';
const SAM_COMMENT = 'Too few of us answered for this to show: marker-vole-4453';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DAY = 24 * 60 * 60 * 1000;

const clock = fakeClock('2026-11-23T09:00:00Z');
let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { type?: string; text?: string | { text: string } }[];
  element?: { type?: string };
};
type View = { private_metadata?: string; blocks: Block[] };

const calls = (method: string, from = 0) => slack.calls.slice(from).filter((c) => c.method === method);
const shown = (c: SlackCall) => `${String(c.body.text)}\n${JSON.stringify(c.body.blocks)}`;

const { run } = slackCommands<{ text: string; blocks: Block[]; response_type: string }>(() => ({ trellis, slack }));

/** Clicks the check-in's button in the person's DM and returns the modal it opens. */
async function openCheckIn(who: Who, roundId: string): Promise<View> {
  const trigger = `trigger-${++seq}`;
  const base = fixture<Record<string, unknown>>('block-actions-dm');
  const action = { ...(base.actions as object[])[0], action_id: 'trellis:survey-open:0', value: roundId };
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    channel: { id: `D${who.user_id}`, name: 'directmessage' },
    container: { ...(base.container as object), channel_id: `D${who.user_id}` },
    trigger_id: trigger,
    actions: [action],
    response_url: slack.responseUrl(`click-${seq}`),
  });
  expect(res.status).toBe(200);
  return (await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as View;
}

/** Answers every statement of the modal with `value` (and a comment), as Slack's view_submission. */
async function answer(who: Who, roundId: string, value: string, comment?: string) {
  const view = await openCheckIn(who, roundId);
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks.filter((x) => x.type === 'input')) {
    if (b.element?.type === 'plain_text_input')
      values[b.block_id!] = { value: { type: 'plain_text_input', value: b.block_id === 'comment' ? (comment ?? null) : null } };
    else values[b.block_id!] = { value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: value }, value } } };
  }
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const res = await interaction(trellis.url, {
    ...base,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, ...view, state: { values } },
  });
  expect(res.status).toBe(200);
  expect(JSON.stringify(await res.json())).toContain('Thanks — your answers are in');
}

/** Opens a check-in and has each person answer; resolves with the round. */
async function round(answers: [Who, string, string?][]): Promise<Round> {
  clock.advance(DAY);
  expect((await run(ALEX, CHANNEL, 'survey now')).text).toContain('is open');
  const [p] = await trellis.store.partnerships();
  const latest = (await trellis.store.rounds(p!.id)).sort((a, b) => b.number - a.number)[0]!;
  for (const [who, value, comment] of answers) await answer(who, latest.id, value, comment);
  // The check-in DMs and their "Answered" updates are out before anything is measured from here.
  await trellis.drain();
  return latest;
}

const digestSince = (mark: number) => calls('chat.postMessage', mark).filter((c) => c.body.channel === CHANNEL.channel_id);
const dmsSince = (mark: number) => calls('chat.postMessage', mark).filter((c) => c.body.channel !== CHANNEL.channel_id);
const uploadOf = (digest: SlackCall) => slack.uploads.find((u) => u.channel === CHANNEL.channel_id && u.threadTs === digest.result!.ts);

/** No name, user id or member id of anyone, and no organisation: figures and themes only. */
async function expectNobodyIn(text: string) {
  const [p] = await trellis.store.partnerships();
  const memberIds = (await trellis.store.members(p!.id)).map((m) => m.id);
  for (const who of PEOPLE) for (const s of [who.display, who.user_id, who.display.split(' ')[0]!]) expect(text).not.toContain(s);
  for (const id of memberIds) expect(text).not.toContain(id);
  for (const org of ORGS) expect(text).not.toContain(org);
}

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of PEOPLE) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl }, { clock });
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('Slack digests, alerts and charts', () => {
  it('sets up a small partnership: two organisations, four members, a critical friend, threshold 3', async () => {
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec((await run(ALEX, CHANNEL, 'setup Riverside Partnership')).text)![1]!;
    await run(ALEX, CHANNEL, 'org add City Council public');
    await run(ALEX, CHANNEL, 'org add Hope Trust voluntary');
    for (const [who, org] of [
      [SAM, 'City Council'],
      [KIM, 'Hope Trust'],
      [LEE, 'Hope Trust'],
      [PAT, 'City Council'],
    ] as const) {
      expect((await run(who, dm(who), `join ${code} ${org}`)).text).toContain('Welcome to *Riverside Partnership*');
    }
    expect((await run(ALEX, CHANNEL, 'role <@U0PAT|pat> critical-friend')).text).toContain('Pat Quinn is now a critical friend');
    expect((await run(ALEX, CHANNEL, 'set threshold 3')).text).toMatch(/\b3\b/);
  });

  it('posts the first digest to the home channel on `survey close`, with figures, comments, a question and the chart as a PNG in its thread', async () => {
    const r = await round([
      [ALEX, '5'],
      [SAM, '4'],
      [KIM, '5', KIM_COMMENT],
      [LEE, '4'],
    ]);
    const mark = slack.calls.length;
    const closed = await run(ALEX, CHANNEL, 'survey close');
    expect(closed.text).toContain(`Check-in #${r.number} is closed: 4 of 4 answered`);
    await trellis.drain();

    const [digest, ...more] = digestSince(mark);
    expect(more).toHaveLength(0);
    const text = shown(digest!);
    expect(text).toContain('Riverside Partnership: check-in #1 results');
    expect(text).toContain('Trust 87.5 — the first reading');
    expect(text).toContain('Commitment 87.5 — the first reading');
    expect(text).toContain('Participation: 4 of 4 (100%).');
    expect(text).toContain('To discuss at your next meeting:');
    // The comment, as it was written, with nothing to say whose or which organisation's it is.
    const items = (digest!.body.blocks as Block[]).filter((b) => b.type === 'section').map((b) => b.text?.text ?? '');
    expect(items).toContain(`• “${KIM_COMMENT}”`);
    // The sparkline stands in for the chart in the message itself.
    const context = (digest!.body.blocks as Block[]).find((b) => b.type === 'context')!;
    expect(context.elements![0]!.text).toMatch(/^Trust \S · Commitment \S$/);
    await expectNobodyIn(text);

    const upload = await waitFor(() => uploadOf(digest!)?.bytes && uploadOf(digest!));
    expect(upload).toMatchObject({ filename: 'trends.png', title: 'Trust and commitment (0–100)', channel: 'C0RIVER' });
    expect(upload.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(upload.bytes!.length).toBe(upload.length);
    // The screen-reader text under Slack's documented name, `alt_txt` (the fake records nothing else).
    expect(upload.altText).toContain('Trust: #1 87.5');
    const asked = slack.calls.find((c) => c.method === 'files.getUploadURLExternal' && c.result?.file_id === upload.fileId)!;
    expect(Object.keys(asked.body)).not.toContain('alt_text');
    // A first reading alerts nobody.
    expect(dmsSince(mark)).toHaveLength(0);
  });

  it('posts the second digest when the window ends, showing the drop in plain words, and alerts only the coordinator and the critical friend', async () => {
    const r = await round([
      [ALEX, '1'],
      [SAM, '2'],
      [KIM, '1'],
      [LEE, '2', LEE_COMMENT],
    ]);
    const mark = slack.calls.length;
    clock.set(new Date(new Date(r.closesAt).getTime() + 60_000).toISOString());
    await trellis.tick();

    const [digest] = digestSince(mark);
    const text = shown(digest!);
    expect(text).toContain('Riverside Partnership: check-in #2 results');
    expect(text).toMatch(/Trust fell clearly, from 87\.5 to 12\.5 since #1 — more than chance would explain/);
    expect(text).toMatch(/Commitment fell clearly, from 87\.5 to 12\.5 since #1 — more than chance would explain/);
    expect(text).not.toContain('interval'); // the figures are the dashboard's; chat says what they mean
    expect(text).toContain('Participation: 4 of 4 (100%)');
    expect(text).toContain(`“${LEE_COMMENT}”`);
    await expectNobodyIn(text);
    const upload = await waitFor(() => uploadOf(digest!)?.bytes && uploadOf(digest!));
    expect(upload.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(upload.altText).toContain('Trust: #1 87.5, #2 12.5');

    // The alert: a private DM to the coordinator and to the critical friend, nobody else.
    const alerts = dmsSince(mark);
    expect(alerts.map((c) => c.body.channel).sort()).toEqual(['U0ALEX', 'U0PAT']);
    for (const alert of alerts) {
      const a = shown(alert);
      expect(a).toContain('Trellis alert: Riverside Partnership');
      expect(a).toMatch(/Trust fell clearly, from 87\.5 to 12\.5 — more than chance would explain\./);
      expect(a).toContain('below your floor of 50');
      expect(a).not.toContain(LEE_COMMENT);
      await expectNobodyIn(a);
    }
  });

  it('shows no figures, no comments and no chart for a round with fewer than 3 answers, and alerts nobody', async () => {
    await round([
      [SAM, '1', SAM_COMMENT],
      [KIM, '1'],
    ]);
    const mark = slack.calls.length;
    const uploadsBefore = slack.uploads.length;
    await run(ALEX, CHANNEL, 'survey close 3');
    await trellis.drain();
    const [digest] = digestSince(mark);
    const text = shown(digest!);
    expect(text).toContain('Riverside Partnership: check-in #3 results');
    expect(text).toContain('Participation: 2 of 4 (50%)');
    expect(text).toContain('Fewer than 3 people answered, so no results are shown');
    expect(text).not.toMatch(/Trust|Commitment|\d+\.5|interval/);
    expect(text).not.toContain(SAM_COMMENT);
    expect((digest!.body.blocks as Block[]).some((b) => b.type === 'context')).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(slack.uploads.length).toBe(uploadsBefore);
    expect(dmsSince(mark)).toHaveLength(0);
  });

  it('keeps the digest and its sparkline when the chart upload fails, and logs nothing identifying', async () => {
    slack.fail.set('files.getUploadURLExternal', 'not_in_channel');
    try {
      await round([
        [ALEX, '3'],
        [SAM, '3'],
        [KIM, '4'],
        [LEE, '3'],
      ]);
      const mark = slack.calls.length;
      const uploadsBefore = slack.uploads.length;
      await run(ALEX, CHANNEL, 'survey close');
      await trellis.drain();
      const [digest] = digestSince(mark);
      expect(shown(digest!)).toContain('check-in #4 results');
      expect((digest!.body.blocks as Block[]).find((b) => b.type === 'context')!.elements![0]!.text).toMatch(/^Trust \S\S \S · Commitment \S\S \S$/);
      await waitFor(() => trellis.logs.find((l) => l.includes('slack chart upload failed')));
      expect(slack.uploads.length).toBe(uploadsBefore);
    } finally {
      slack.fail.delete('files.getUploadURLExternal');
    }
    const logs = trellis.logs.join('\n');
    for (const marker of ['marker-wren', 'marker-stoat', 'marker-vole']) expect(logs).not.toContain(marker);
  });

  it('shows a chart with `trends`: a sparkline in the private reply to the slash command, the PNG too when asked in a DM', async () => {
    const reply = await run(SAM, CHANNEL, 'trends');
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.blocks.find((b) => b.type === 'context')!.elements![0]!.text).toMatch(/^Trust .+ · Commitment .+$/);

    const mark = slack.calls.length;
    const uploadsBefore = slack.uploads.length;
    const im = fixture<{ event: Record<string, unknown> } & Record<string, unknown>>('message-im');
    expect(
      (await event(trellis.url, { ...im, event_id: 'Ev0DIGEST1', event: { ...im.event, channel: 'D0SAM', user: SAM.user_id, text: 'trends' } })).status,
    ).toBe(200);
    const said = await waitFor(() => calls('chat.postMessage', mark).find((c) => c.body.channel === 'D0SAM'));
    expect(shown(said)).toContain('Riverside Partnership: trends');
    const upload = await waitFor(() => slack.uploads.slice(uploadsBefore).find((u) => u.channel === 'D0SAM'));
    expect(upload.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });
});
