// A check-in whose outbox write fails, end to end on Slack: the server's log
// says what failed (never who), and the next tick asks that person again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, slashCommand } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { waitFor } from './helpers/wait-for.js';

const ALEX = { user_id: 'U0ALEX', user_name: 'alex', display: 'Alex Morgan' };
const SAM = { user_id: 'U0SAM', user_name: 'sam', display: 'Sam Patel' };
const CHANNEL = { channel_id: 'C0RIVER', channel_name: 'riverside' };

let slack: FakeSlack;
let trellis: TestTrellis;
let seq = 0;

async function run(who: typeof ALEX, where: Record<string, string>, text: string): Promise<string> {
  const id = `r${++seq}`;
  const res = await slashCommand(trellis.url, { user_id: who.user_id, user_name: who.user_name, ...where, text, response_url: slack.responseUrl(id) });
  expect(res.status).toBe(200);
  return ((await waitFor(() => slack.responses.find((r) => r.id === id))).body as { text: string }).text;
}
const checkInsTo = (who: typeof ALEX) =>
  slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === who.user_id && String(c.body.text).includes('check-in'));

beforeAll(async () => {
  slack = await startFakeSlack();
  for (const p of [ALEX, SAM]) slack.users.set(p.user_id, p.display);
  trellis = await startTrellis(
    { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl },
    { clock: fakeClock('2026-11-23T09:00:00Z') },
  );
});
afterAll(async () => {
  await trellis.close();
  await slack.close();
});

it('logs a check-in whose outbox write failed and asks that person again at the next tick', async () => {
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(await run(ALEX, CHANNEL, 'setup Riverside Partnership'))![1]!;
  await run(ALEX, CHANNEL, 'org add City Council public');
  for (const who of [ALEX, SAM]) await run(who, { channel_id: `D${who.user_id}`, channel_name: 'directmessage' }, `join ${code} city council`);
  await trellis.drain();

  // The next outbox write (the first check-in queued) fails, as on a full disk.
  const store = trellis.store;
  const enqueue = store.enqueueOutgoing.bind(store);
  let failures = 1;
  store.enqueueOutgoing = async (o) => {
    if (failures-- > 0) throw Object.assign(new Error(`no space left on device writing ${o.id}`), { code: 'ENOSPC' });
    return enqueue(o);
  };
  const logsBefore = trellis.logs.length;
  expect(await run(ALEX, CHANNEL, 'survey now')).toContain('Check-in #1 is open');
  await trellis.drain();
  const missed = [ALEX, SAM].filter((w) => checkInsTo(w).length === 0);
  expect(missed).toHaveLength(1);

  const lines = trellis.logs
    .slice(logsBefore)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'A message could not be sent');
  const [p] = await trellis.store.partnerships();
  expect(lines).toEqual([expect.objectContaining({ level: 'warn', kind: 'check-in', partnershipId: p!.id, error: 'Error', code: 'ENOSPC' })]);
  for (const leak of [ALEX.user_id, SAM.user_id, ALEX.display, SAM.display, 'no space left']) expect(JSON.stringify(lines)).not.toContain(leak);

  await trellis.tick();
  await trellis.drain();
  expect(checkInsTo(missed[0]!)).toHaveLength(1);
  for (const w of [ALEX, SAM]) expect(checkInsTo(w)).toHaveLength(1);
});
