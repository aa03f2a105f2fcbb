// Issue 13, part 2, end to end through the playground's HTTP API, the
// dashboard and the CSV export, on the data file and on PostgreSQL: people
// answer under "groups of 5 or more"; a coordinator then types `set threshold 3`.
// Nothing from those answers may appear in a group under 5 — not in `trends`,
// `trends by sector`, the dashboard or the export — while rounds opened after
// the change use 3.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { Message } from '../src/core/message.js';
import type { Clock } from '../src/core/ports/clock.js';
import type { Store } from '../src/store/store.js';
import { createLogger } from '../src/log.js';
import { openPgStore } from '../src/store/pg/pg-store.js';
import { startServer } from '../src/server.js';
import { fakeClock } from './helpers/fake-clock.js';
import { createThrowawayDb, describePg } from './helpers/pg.js';
import { startTrellis, TEST_SECRET } from './helpers/start-trellis.js';

type Persona = 'alex' | 'sam' | 'dana' | 'chris' | 'jo' | 'priya';
interface Running {
  url: string;
  store: Store;
  close(): Promise<void>;
}

const DAY = 24 * 3_600_000;
/** Public partners (sam, dana, chris: three people) distrust; everyone else trusts. */
const PUBLIC: Persona[] = ['sam', 'dana', 'chris'];
const answerFor = (persona: Persona) => (PUBLIC.includes(persona) ? '2' : '5');

function scenario(start: (clock: Clock) => Promise<Running>) {
  const clock = fakeClock('2026-11-23T09:00:00Z');
  let t: Running;

  const postJson = async (path: string, body: unknown) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    return (await res.json()) as { reply?: Message; form?: { fields: { id: string; kind: string }[]; submitActionId: string; context: string } };
  };
  const command = async (persona: Persona, text: string, where: 'channel' | 'personal' = 'channel') =>
    (await postJson('/playground/command', { persona, text, where })).reply!;
  const linkOf = async (kind: 'dashboard' | 'export') =>
    /(http:\/\/localhost:\d+\/(dashboard|export)\/\S+)$/m.exec((await command('alex', kind, 'personal')).text)![1]!.replace(/^http:\/\/localhost:\d+/, t.url);

  async function round(personas: Persona[]): Promise<void> {
    clock.advance(DAY);
    expect((await command('alex', 'survey now')).text).toContain('is open');
    const [p] = await t.store.partnerships();
    const latest = (await t.store.rounds(p!.id)).sort((a, b) => b.number - a.number)[0]!;
    for (const persona of personas) {
      const { form } = await postJson('/playground/action', { persona, actionId: 'survey-open', value: latest.id, where: 'personal' });
      const values = Object.fromEntries(form!.fields.filter((f) => f.kind === 'choice').map((f) => [f.id, answerFor(persona)]));
      expect((await postJson('/playground/submit', { persona, actionId: form!.submitActionId, context: form!.context, values })).reply!.text).toMatch(
        /^Thanks — your answers are in/,
      );
    }
    expect((await command('alex', `survey close ${latest.number}`)).text).toContain('is closed');
  }

  beforeAll(async () => {
    t = await start(clock);
    const code = /Invite code: \*([A-Z0-9]{4}-[A-Z0-9]{4})\*/.exec((await command('alex', 'setup Riverside')).text)![1]!;
    for (const org of ['City Council public', 'Job Centre public', 'Health Trust public', 'Hope Trust voluntary', 'Residents Group community'])
      await command('alex', `org add ${org}`);
    for (const [persona, org] of [
      ['sam', 'City Council'],
      ['dana', 'Job Centre'],
      ['chris', 'Health Trust'],
      ['jo', 'Hope Trust'],
      ['priya', 'Residents Group'],
    ] as const) {
      expect((await command(persona, `join ${code} ${org}`, 'personal')).tone).toBe('success');
    }
    // Answered under the default threshold of 5: check-in #1 by four people, #2 by all six.
    await round(['sam', 'dana', 'chris', 'jo']);
    await round(['alex', 'sam', 'dana', 'chris', 'jo', 'priya']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('`set threshold 3` says it applies to rounds opened from now on, and earlier ones keep 5', async () => {
    const reply = await command('alex', 'set threshold 3');
    expect(reply.tone).toBe('success');
    expect(reply.text).toBe(
      'Threshold of Riverside is now: 3, for check-ins and reviews opened from now on. Those already opened keep the threshold they opened with (until now 5): people answered them under that promise.',
    );
  });

  it('`trends by sector` still hides the public sector of three', async () => {
    const reply = await command('alex', 'trends by sector');
    expect(reply.text).toBe('Check-in #2. Groups under 5 people are shown as —, and so is whatever would let someone work them out.');
    const trust = reply.items!.find((i) => i.startsWith('Trust by sector'))!;
    expect(trust).toContain('public —');
    expect(reply.items!.join('\n')).not.toMatch(/\(3\)|\(4\)/);
  });

  it('`trends` and the dashboard still withhold check-in #1, answered by four', async () => {
    // #1 stays hidden, so #2 is still the first reading.
    expect((await command('alex', 'trends')).text).toMatch(/^Trust 62\.5 — the first reading /);
    const html = await (await fetch(await linkOf('dashboard'))).text();
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
    expect(rows.find((r) => r.startsWith('Check-in #1'))).toMatch(/ 4 \/ 6 67% — —$/);
    expect(html).toContain('Check-in #2, the latest round with 5 or more answers');
    const sectors = /<table class="breakdown" data-by="sector">([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect(sectors).not.toMatch(/\(\d\)/);
  });

  it('the CSV export hides the same cells', async () => {
    const csv = await (await fetch(await linkOf('export'))).text();
    expect(csv).toContain('"factor","1","');
    expect(csv).not.toMatch(/"factor","1","[^"]*","","trust","4"/);
    expect(csv).toContain('"by sector","2","","public","trust","hidden","","","","",""');
    expect(csv).not.toMatch(/"by (sector|organisation)","2","","[^"]+","[^"]+","[34]"/);
  });

  it('a round opened after the change uses 3: the public sector of three is shown', async () => {
    await round(['alex', 'sam', 'dana', 'chris', 'jo', 'priya']);
    const reply = await command('alex', 'trends by sector');
    expect(reply.text).toMatch(/^Check-in #3\. Groups under 3 people/);
    expect(reply.items!.find((i) => i.startsWith('Trust by sector'))).toContain('public 25 (3)');
  });
}

describe('the threshold promised when people answered holds (data file)', () => {
  scenario((clock) => startTrellis({}, { clock }));
});

describePg('the threshold promised when people answered holds (PostgreSQL)', () => {
  scenario(async (clock) => {
    const db = await createThrowawayDb();
    const dir = await mkdtemp(join(tmpdir(), 'trellis-threshold-'));
    const config = loadConfig({ TRELLIS_DATA: join(dir, 'unused.json'), TRELLIS_SECRET: TEST_SECRET, LOG_LEVEL: 'error' });
    const store = await openPgStore(db.url);
    const running = await startServer(
      { config, store, storeKind: 'postgres', clock, log: createLogger({ level: 'error', write: () => undefined }), secret: TEST_SECRET, schedule: false },
      0,
    );
    return {
      url: running.url,
      store,
      close: async () => {
        await running.close();
        await store.close();
        await db.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  });
});
