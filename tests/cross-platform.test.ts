// One partnership on Slack *and* Teams, served by one Trellis: set up in Slack,
// joined from Teams, a fortnightly round answered from both, one person
// reminded, the round closed on time — and no answer traceable to anyone.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { startFakeTeamsConnector, type FakeTeamsConnector } from './helpers/fake-teams-connector.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture as slackFixture, interaction, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { openGroups } from '../src/core/answer-group.js';
import { fakeClock } from './helpers/fake-clock.js';
import { waitFor } from './helpers/wait-for.js';

// Payloads as the platforms send them: loosely typed on purpose.
type Json = Record<string, any>;
const teamsFixture = (name: string): Json => JSON.parse(readFileSync(new URL(`./fixtures/teams/${name}.json`, import.meta.url), 'utf8')) as Json;

const SLACK_PEOPLE = [
  { id: 'U0ALEX', name: 'Alex Morgan', org: 'City Council' }, // coordinator
  { id: 'U0KIM', name: 'Kim Osei', org: 'City Council' },
  { id: 'U0LEE', name: 'Lee Novak', org: 'Hope Trust' }, // will not answer: reminded
];
const TEAMS_PEOPLE = [
  { id: '29:1TeamsSamPatel000000000000000000000000000000000000000', name: 'Sam Patel', org: 'Hope Trust', chat: 'a:1chat-sam' },
  { id: '29:1TeamsDanaBrooks00000000000000000000000000000000000000', name: 'Dana Brooks', org: 'Employment Service', chat: 'a:1chat-dana' },
];
const [ALEX, KIM, LEE] = SLACK_PEOPLE as [(typeof SLACK_PEOPLE)[0], (typeof SLACK_PEOPLE)[0], (typeof SLACK_PEOPLE)[0]];
const COMMENTS = ['marker-kestrel-1187 meetings overrun', 'marker-badger-5521 funding feels unfair'];
const clock = fakeClock('2026-11-23T09:00:00Z'); // Monday

let slack: FakeSlack;
let connector: FakeTeamsConnector;
let trellis: TestTrellis;
let seq = 0;

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, TEAMS_ALLOW_UNAUTHENTICATED: 'true' });

async function slackSay(who: { id: string }, text: string, channel = { channel_id: 'C0RIVER', channel_name: 'riverside' }) {
  const id = `r${++seq}`;
  const res = await slashCommand(trellis.url, { user_id: who.id, user_name: who.id.toLowerCase(), ...channel, text, response_url: slack.responseUrl(id) });
  expect(res.status).toBe(200);
  return (await waitFor(() => slack.responses.find((r) => r.id === id))).body as Json;
}

async function teamsTell(who: (typeof TEAMS_PEOPLE)[0], text: string) {
  const m = teamsFixture('personal-message');
  const activity = {
    ...m,
    id: `p${++seq}`,
    serviceUrl: connector.serviceUrl,
    from: { id: who.id, name: who.name, aadObjectId: `aad-${who.chat}` },
    conversation: { ...m.conversation, id: who.chat },
    text,
  };
  return teamsPost(activity);
}

async function teamsPost(activity: Json) {
  const before = connector.sent.length;
  const res = await fetch(`${trellis.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  expect(res.status).toBe(200);
  const body = await res.text();
  return { body: body ? (JSON.parse(body) as Json) : undefined, sent: connector.sent.slice(before) };
}

const teamsInvoke = (who: (typeof TEAMS_PEOPLE)[0], kind: 'task-fetch' | 'task-submit', data: Json) => {
  const m = teamsFixture(kind);
  return teamsPost({
    ...m,
    id: `f${++seq}`,
    serviceUrl: connector.serviceUrl,
    from: { id: who.id, name: who.name },
    conversation: { ...m.conversation, id: who.chat },
    value: { ...m.value, data },
  });
};

/** Slack: click the Answer button on the person's check-in DM, then submit the modal it opens. */
async function answerOnSlack(who: { id: string }, value: string, comment = '') {
  // The check-in, not an earlier DM (the coordinator's set-up checklist).
  const dm = slack.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === who.id && JSON.stringify(c.body.blocks).includes('check-in #'))!;
  const button = (dm.body.blocks as Json[]).find((b) => b.type === 'actions')!.elements[0] as Json;
  const trigger = `trigger-${++seq}`;
  const base = slackFixture<Json>('block-actions-dm');
  await interaction(trellis.url, {
    ...base,
    user: { id: who.id, name: who.id },
    channel: { id: `D${who.id}`, name: 'directmessage' },
    trigger_id: trigger,
    actions: [{ ...base.actions[0], action_id: button.action_id, value: button.value }],
    response_url: slack.responseUrl(`x${seq}`),
  });
  const view = (await waitFor(() => slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger))).body.view as Json;
  const values: Json = {};
  for (const block of view.blocks as Json[]) {
    if (block.type !== 'input') continue;
    values[block.block_id] =
      block.element.type === 'radio_buttons'
        ? { value: { type: 'radio_buttons', selected_option: (block.element.options as Json[]).find((o) => o.value === value) } }
        : { value: { type: 'plain_text_input', value: comment } };
  }
  const submission = slackFixture<Json>('view-submission');
  const res = await interaction(trellis.url, { ...submission, user: { id: who.id, name: who.id }, view: { ...submission.view, ...view, state: { values } } });
  return (await res.json()) as Json;
}

/** Teams: open the dialog from the person's check-in card, then submit it. */
async function answerOnTeams(who: (typeof TEAMS_PEOPLE)[0], value: string, comment = '') {
  const card = (connector.sent.find((s) => s.conversationId === who.chat && !s.replyToId)!.activity as Json).attachments[0].content as Json;
  const opened = await teamsInvoke(who, 'task-fetch', card.actions[0].data);
  expect(opened.sent).toHaveLength(0); // a dialog, never a chat message
  const form = opened.body!.task.value.card.content as Json;
  const inputs = Object.fromEntries((form.body as Json[]).filter((b) => b.type === 'Input.ChoiceSet').map((b) => [b.id, value]));
  const done = await teamsInvoke(who, 'task-submit', { ...inputs, comment, ...form.actions[0].data });
  return done.body!.task as Json;
}

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of SLACK_PEOPLE) slack.users.set(p.id, p.name);
  connector = await startFakeTeamsConnector();
  trellis = await startTrellis(env(), { clock });
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
  await connector.close();
});

describe('one partnership across Slack and Teams', () => {
  it('is set up in Slack and joined from Teams', async () => {
    expect((await (await fetch(`${trellis.url}/healthz`)).json()).adapters).toEqual(['slack', 'teams']);
    const setup = await slackSay(ALEX, 'setup Riverside Partnership');
    const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text as string)![1]!;
    for (const org of ['City Council public', 'Hope Trust voluntary', 'Employment Service public']) await slackSay(ALEX, `org add ${org}`);
    for (const p of SLACK_PEOPLE) await slackSay(p, `join ${code} ${p.org}`, { channel_id: `D${p.id}`, channel_name: 'directmessage' });
    for (const p of TEAMS_PEOPLE) expect(JSON.stringify((await teamsTell(p, `join ${code} ${p.org}`)).sent)).toContain('Welcome to');
    const status = JSON.stringify((await slackSay(KIM, 'status')).blocks);
    expect(status).toContain('5 (3 on Slack, 2 on Teams)');
  });

  it('opens a fortnightly round on its slot and delivers it privately on both platforms', async () => {
    await trellis.drain(); // what setup sent the coordinator privately (the set-up checklist) is out before the mark
    const [slackFrom, teamsFrom] = [slack.calls.length, connector.sent.length];
    expect((await slackSay(ALEX, 'survey schedule fortnightly wednesday 10:00')).text).toContain('every other Wednesday at 10:00');
    clock.set('2026-11-25T10:00:20Z');
    await trellis.tick();
    const dms = slack.calls
      .slice(slackFrom)
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => c.body.channel);
    expect(dms.sort()).toEqual(SLACK_PEOPLE.map((p) => p.id).sort());
    const cards = connector.sent
      .slice(teamsFrom)
      .filter((s) => !s.replyToId)
      .map((s) => s.conversationId);
    expect(cards.sort()).toEqual(TEAMS_PEOPLE.map((p) => p.chat).sort());
  });

  it('takes answers from three people on Slack and two on Teams by clicking the rendered buttons', async () => {
    expect((await answerOnSlack(ALEX, '4')).response_action).toBe('update');
    expect((await answerOnSlack(KIM, '2', COMMENTS[0])).response_action).toBe('update');
    expect((await answerOnTeams(TEAMS_PEOPLE[0]!, '3', COMMENTS[1])).type).toBe('message');
    expect((await answerOnTeams(TEAMS_PEOPLE[1]!, 'skip')).type).toBe('message');
    await answerOnTeams(TEAMS_PEOPLE[1]!, '5'); // changed her mind: replaced, not added
    expect((await slackSay(LEE, 'survey status', { channel_id: 'D0LEE', channel_name: 'directmessage' })).text).toContain('4 of 5 answered (80%)');
  });

  it('reminds only the one who has not answered, once, and closes on time', async () => {
    const slackBefore = slack.calls.length;
    const teamsBefore = connector.sent.length;
    clock.set('2026-11-27T10:01:00Z'); // 48 h
    await trellis.tick();
    await trellis.tick();
    const reminders = slack.calls.slice(slackBefore).filter((c) => c.method === 'chat.postMessage');
    expect(reminders.map((c) => c.body.channel)).toEqual([LEE.id]);
    expect(JSON.stringify(reminders[0]!.body)).not.toMatch(/Alex|Kim|Sam|Dana|answered by/);
    expect(connector.sent.length).toBe(teamsBefore);

    clock.set('2026-11-30T10:01:00Z'); // 5 days after opening
    await trellis.tick();
    expect((await slackSay(ALEX, 'survey status')).text).toContain('closed 30 Nov 2026, 10:01: 4 of 5 answered (80%)');
    const round = (await trellis.store.rounds((await trellis.store.partnerships())[0]!.id))[0]!;
    const sets = await trellis.store.answerSets(round.id);
    expect(sets).toHaveLength(4);
    expect(
      openGroups(TEST_SECRET, sets)
        .map((s) => s.sector)
        .sort(),
    ).toEqual(['public', 'public', 'public', 'voluntary']);
  });

  it('stores and logs nothing that links an answer to a person', async () => {
    const data = JSON.parse(await trellis.data()) as Json;
    const answers = JSON.stringify(data.answerSets);
    const people = [...SLACK_PEOPLE, ...TEAMS_PEOPLE];
    for (const p of people) for (const s of [p.id, p.name]) expect(answers).not.toContain(s);
    for (const m of data.members as Json[]) expect(answers).not.toContain(m.id);
    const logs = trellis.logs.join('\n');
    for (const c of COMMENTS) expect(logs).not.toContain(c.split(' ')[0]);
    // Nothing sent to anyone carries another person's comment.
    const outgoing = JSON.stringify([slack.calls, slack.responses, connector.sent, connector.updated]);
    for (const c of COMMENTS) expect(outgoing).not.toContain(c.split(' ')[0]);
  });

  it('keeps the schedule and the results across a restart', async () => {
    await trellis.stop();
    trellis = await startTrellis(env(), { dir: trellis.dir, clock });
    const status = await slackSay(ALEX, 'survey status');
    expect(status.text).toContain('4 of 5 answered');
    expect(JSON.stringify(status.blocks)).toContain('9 Dec 2026, 10:00');
  });
});
