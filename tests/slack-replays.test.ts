// A captured Slack request replayed within its signature's 5 minutes, or sent
// twice by a double click, changes nothing the second time: not in the same
// process, not after a restart, not on another instance sharing the store.
// Signed requests into the real server, byte for byte as first sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, fixture, form, sign } from './helpers/slack-requests.js';
import { startTrellis, TEST_SECRET, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';
import { openConcern } from '../src/core/concerns/concern-seal.js';
import type { StoredConcern } from '../src/core/model.js';

type Who = { user_id: string; user_name: string; display: string };
const ALEX: Who = { user_id: 'U0ALEXREPLAY', user_name: 'alex', display: 'Alex Morgan' };
const SAM: Who = { user_id: 'U0SAMREPLAY', user_name: 'sam', display: 'Sam Patel' };
const CHRIS: Who = { user_id: 'U0CHRISREPLAY', user_name: 'chris', display: 'Chris Lane' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };
const dm = (w: Who) => ({ channel_id: `D${w.user_id}`, channel_name: 'directmessage' });

type View = { type: string; title: { text: string }; private_metadata?: string; blocks: { type: string; block_id?: string; text?: { text: string } }[] };

let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

const env = () => ({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });

/** A captured request: its body and the very headers Slack signed it with. */
interface Captured {
  body: string;
  headers: Record<string, string>;
}
const capture = (body: string, contentType: string): Captured => ({ body, headers: { 'content-type': contentType, ...sign(body) } });
const send = (url: string, c: Captured) => fetch(`${url}/slack/events`, { method: 'POST', headers: c.headers, body: c.body });

function slashRequest(who: Who, where: Record<string, string>, text: string) {
  const id = `replay-${++seq}`;
  const captured = capture(
    form({
      ...fixture<Record<string, string>>('slash-command'),
      user_id: who.user_id,
      user_name: who.user_name,
      ...where,
      text,
      response_url: slack.responseUrl(id),
      trigger_id: `trigger-${id}`,
    }),
    'application/x-www-form-urlencoded',
  );
  return { id, trigger: `trigger-${id}`, captured };
}

/** `/trellis <text>`: the response_url reply's text, or the modal it opened. */
async function slash(who: Who, where: Record<string, string>, text: string): Promise<{ text?: string; view?: View }> {
  const { id, trigger, captured } = slashRequest(who, where, text);
  expect((await send(trellis.url, captured)).status).toBe(200);
  return waitFor(() => {
    const opened = slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger && c.result?.ok === true);
    const responded = slack.responses.find((r) => r.id === id);
    return opened ? { view: opened.body.view as View } : responded ? { text: String(responded.body.text) } : undefined;
  });
}

function submission(who: Who, view: View, values: Record<string, Record<string, unknown>>, triggerId = `trigger-submit-${++seq}`): Captured {
  const base = fixture<{ view: Record<string, unknown> } & Record<string, unknown>>('view-submission');
  const payload = {
    ...base,
    trigger_id: triggerId,
    user: { id: who.user_id, username: who.user_name, name: who.user_name, team_id: 'T0001' },
    view: { ...base.view, ...view, id: 'V0CONCERN01', hash: '1605051237.aaaa1111', state: { values } },
  };
  return capture(form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded');
}

const concernValues = (marker: string) => ({
  category: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Roles' }, value: 'roles' } } },
  happening: { value: { type: 'plain_text_input', value: `Referrals bounce back without a word: ${marker}` } },
  help: { value: { type: 'plain_text_input', value: '' } },
  organisation: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'No' }, value: 'no' } } },
  consent: { value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'Yes' }, value: 'yes' } } },
});

const concerns = async () => {
  const data = JSON.parse(await trellis.data()) as { concerns: StoredConcern[] };
  return data.concerns.map((c) => openConcern(TEST_SECRET, c)!);
};
const rounds = async () => (JSON.parse(await trellis.data()) as { rounds: unknown[] }).rounds.length;
const ackOf = async (res: Response) => {
  expect(res.status).toBe(200);
  return (await res.json()) as { response_action: string; view?: View };
};
const viewText = (v: View | undefined) => JSON.stringify(v?.blocks ?? []);

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of [ALEX, SAM, CHRIS]) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(env());
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec((await slash(ALEX, CHANNEL, 'setup Riverside Partnership')).text!)![1]!;
  await slash(ALEX, CHANNEL, 'org add City Council public');
  for (const [who, org] of [
    [SAM, 'city council'],
    [CHRIS, 'independent'],
  ] as const)
    expect((await slash(who, dm(who), `join ${code} ${org}`)).text).toContain('Welcome');
  expect((await slash(ALEX, CHANNEL, 'role Chris Lane critical-friend')).text).toContain('critical friend');
});
afterAll(async () => {
  await trellis?.close();
  await slack?.close();
});

describe('Slack replays do nothing twice', () => {
  it('a concern submission replayed five times raises one concern; each replay gets a neutral answer in the modal', async () => {
    const { view } = await slash(SAM, CHANNEL, 'concern');
    const captured = submission(SAM, view!, concernValues('marker-replay-0001'));
    const first = await ackOf(await send(trellis.url, captured));
    expect(first.response_action).toBe('update');
    expect(viewText(first.view)).toContain('C-');
    expect(await concerns()).toHaveLength(1);

    for (let i = 0; i < 5; i++) {
      const again = await ackOf(await send(trellis.url, captured));
      // The modal is answered (an empty ack would leave it spinning), and says nothing the first answer said.
      expect(again.response_action).toBe('update');
      expect(viewText(again.view)).toContain('already received');
      expect(viewText(again.view)).not.toMatch(/C-[A-HJ-NP-Z2-9]{4}/);
    }
    expect(await concerns()).toHaveLength(1);
  });

  it('a double click on Send (the same form, two deliveries) raises one concern', async () => {
    const { view } = await slash(SAM, CHANNEL, 'concern');
    const values = concernValues('marker-double-0002');
    // Two clicks are two interactions: each has its own trigger_id, the same view and values.
    const [a, b] = await Promise.all([
      send(trellis.url, submission(SAM, view!, values, 'trigger-double-a')),
      send(trellis.url, submission(SAM, view!, values, 'trigger-double-b')),
    ]);
    const acks = [await ackOf(a), await ackOf(b)];
    expect(acks.filter((x) => viewText(x.view).includes('already received'))).toHaveLength(1);
    expect((await concerns()).filter((c) => JSON.stringify(c).includes('marker-double-0002'))).toHaveLength(1);
  });

  it('the same refused values sent again get the same field errors, so the form stays open to be fixed', async () => {
    const { view } = await slash(SAM, CHANNEL, 'concern');
    const refused = submission(SAM, view!, { ...concernValues('x'), happening: { value: { type: 'plain_text_input', value: '   ' } } });
    const first = (await (await send(trellis.url, refused)).json()) as { response_action: string; errors?: Record<string, string> };
    expect(first).toEqual({ response_action: 'errors', errors: { happening: expect.any(String) } });
    expect(await (await send(trellis.url, refused)).json()).toEqual(first);
  });

  it('a `survey now` replayed after a restart opens no second check-in', async () => {
    const now = slashRequest(ALEX, CHANNEL, 'survey now');
    expect((await send(trellis.url, now.captured)).status).toBe(200);
    await waitFor(() => slack.responses.find((r) => r.id === now.id));
    expect((await slash(ALEX, CHANNEL, 'survey close 1')).text).toContain('closed');
    expect(await rounds()).toBe(1);

    await trellis.stop();
    trellis = await startTrellis(env(), { dir: trellis.dir });
    const mark = slack.responses.length;
    expect((await send(trellis.url, now.captured)).status).toBe(200);
    // Something the server does after the replay, to know it was handled.
    await slash(ALEX, CHANNEL, 'status');
    expect(await rounds()).toBe(1);
    expect(slack.responses.slice(mark).filter((r) => r.id === now.id)).toHaveLength(0);
  });

  it('keeps the claims in the data file as keyed digests: no ids of people, events or triggers', async () => {
    const claims = await trellis.claims();
    expect(claims.length).toBeGreaterThan(0);
    const text = JSON.stringify(claims);
    for (const c of claims) expect(c.key).toMatch(/^[0-9a-f]{64}$/);
    expect(text).not.toMatch(/U0|trigger|replay|V0CONCERN|slack/);
  });
});
