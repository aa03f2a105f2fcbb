// The playground's demo partnership, made through the core's front door on a
// fake clock: its figures come from real rounds (real answers, closed in the
// past), and it refuses a room that already has a partnership.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDemo, DEMO_ROUNDS } from '../../src/adapters/playground/playground-demo.js';
import { callerOf, PlaygroundPersonas, ROOM } from '../../src/adapters/playground/playground-personas.js';
import type { Message } from '../../src/core/message.js';
import { shiftable, type ShiftableClock } from '../../src/core/ports/clock.js';
import { createTrellis } from '../../src/core/trellis.js';
import { StateStore } from '../../src/store/state-store.js';
import { corePorts } from '../helpers/core-ports.js';
import { coreTrellis, type CoreTrellis } from '../helpers/core-trellis.js';

const SECRET = 'demo-test-secret-0123456789abcdef0123456';
const NOW = '2026-11-23T09:00:00.000Z';
const DAY = 86_400_000;

let dir: string;
let core: CoreTrellis;
let clock: ShiftableClock;
let personas: PlaygroundPersonas;
let fileErrors: unknown[];

beforeEach(async () => {
  fileErrors = [];
  dir = await mkdtemp(join(tmpdir(), 'trellis-demo-'));
  // With the production delay on: the demo walks the clock past it.
  core = coreTrellis(NOW, { secret: SECRET, concernDelayMaxSeconds: 600 });
  clock = shiftable(core.clock);
  ({ personas } = await PlaygroundPersonas.open(join(dir, 'trellis.json'), (e) => fileErrors.push(e)));
});

afterEach(async () => {
  await personas.flushed();
  expect(fileErrors).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

/** The core on the shiftable clock over the fake one, as the server builds it in playground mode. */
const demoTrellis = () => {
  core.trellis = createTrellis({ ...corePorts(new StateStore(core.state)), clock, messenger: core.messenger, secret: SECRET, concernDelayMaxSeconds: 600 });
  return core.trellis;
};

const as = (id: string, text: string) => core.trellis.command({ caller: callerOf(personas.byId(id)!), place: ROOM, text }) as Promise<Message>;

describe('the demo partnership', () => {
  it('is made of six closed rounds in the past, with real answers, protocols, and a concern in progress', async () => {
    const trellis = demoTrellis();
    const reply = await loadDemo({ trellis, clock, personas });
    expect(reply.tone, reply.text).toBe('success');
    // The clock is back to now.
    expect(clock.now().toISOString()).toBe(NOW);

    const { state } = core;
    expect(state.partnerships).toHaveLength(1);
    expect(state.organisations.map((o) => o.sector).sort()).toEqual(['community', 'public', 'public', 'public', 'voluntary']);
    expect(state.members).toHaveLength(13);
    expect(state.members.filter((m) => m.role === 'critical-friend').map((m) => m.displayName)).toEqual(['Chris Evans']);

    // Six rounds closed, two weeks apart, all in the past; a seventh open now.
    const closed = state.rounds.filter((r) => r.closedAt).sort((a, b) => a.number - b.number);
    expect(closed).toHaveLength(DEMO_ROUNDS);
    for (const [i, r] of closed.entries()) {
      expect(Date.parse(r.closedAt!)).toBeLessThan(Date.parse(NOW));
      if (i > 0) expect(Date.parse(r.openedAt) - Date.parse(closed[i - 1]!.openedAt)).toBe(14 * DAY);
    }
    expect(state.rounds.filter((r) => !r.closedAt).map((r) => r.openedAt)).toEqual([NOW]);

    // The figures come from the answers: trust falls, then recovers.
    const trends = await as('alex', 'trends');
    expect(trends.chart?.series.find((s) => s.name === 'Trust')?.values).toHaveLength(DEMO_ROUNDS);
    const trust = trends.chart!.series.find((s) => s.name === 'Trust')!.values as number[];
    const lowest = Math.min(...trust);
    expect(trust.indexOf(lowest)).toBeGreaterThan(0);
    expect(trust.indexOf(lowest)).toBeLessThan(DEMO_ROUNDS - 1);
    expect(trust[0]!).toBeGreaterThan(lowest + 20);
    expect(trust.at(-1)!).toBeGreaterThan(lowest + 20);

    // Every sector has three or more answers, so the breakdown shows figures, not dashes.
    const bySector = await as('alex', 'trends by sector');
    expect(bySector.items?.[0]).toMatch(/^Trust by sector: community [\d.]+ \(3\) · public [\d.]+ \(\d+\) · voluntary [\d.]+ \(3\)$/);

    // Protocols: one overdue, two due soon.
    const reviews = state.protocols.map((p) => Date.parse(`${p.nextReview}T00:00:00Z`) - Date.parse(NOW)).sort((a, b) => a - b);
    expect(reviews).toHaveLength(3);
    expect(reviews[0]!).toBeLessThan(0);
    expect(reviews[1]!).toBeGreaterThan(0);
    expect(reviews[2]!).toBeLessThan(31 * DAY);

    // A concern delivered to the critical friend and answered once.
    expect(state.concerns).toHaveLength(1);
    const concerns = await core.trellis.command({
      caller: callerOf(personas.byId('chris')!),
      place: { conversationId: 'dm', kind: 'personal' },
      text: 'concerns',
    });
    expect((concerns as Message).items?.[0]).toMatch(/^C-\w{4} — .+ — acknowledged$/);

    // The people it needed were added as personas, and kept.
    expect(personas.all()).toHaveLength(13);
    await personas.flushed();
    const again = await PlaygroundPersonas.open(join(dir, 'trellis.json'), () => undefined);
    expect(again.personas.all().map((p) => p.name)).toEqual(personas.all().map((p) => p.name));
  }, 60_000);

  it('refuses, changing nothing, when the room already has a partnership', async () => {
    const trellis = demoTrellis();
    await as('sam', 'setup Our own');
    const before = JSON.stringify(core.state);
    const reply = await loadDemo({ trellis, clock, personas });
    expect(reply.tone).toBe('error');
    expect(reply.text).toContain('already has a partnership');
    expect(JSON.stringify(core.state)).toBe(before);
    expect(personas.all()).toHaveLength(6);
    expect(clock.now().toISOString()).toBe(NOW);
  });
});
