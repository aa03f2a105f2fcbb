// Known synthetic data → known indices, intervals and notable flags.
import { describe, expect, it } from 'vitest';
import type { AnswerSet, Organisation, Round, ScaleValue } from '../../src/core/model.js';
import { bankFor } from '../../src/core/survey/bank.js';
import { breakdowns, changes, summarise, type RoundData } from '../../src/core/trends/compute.js';
import { welchInterval, tCritical } from '../../src/core/trends/stats.js';
import { describeChange } from '../../src/core/trends/digest.js';

const bank = bankFor([]);
const ITEMS = ['trust-promises', 'commitment-resources', 'purpose-clear', 'roles-clear', 'voice-heard'];

let seq = 0;
function roundOf(number: number, trust: (ScaleValue | null)[], commitment: ScaleValue = 4, invited = trust.length + 1): RoundData {
  const round: Round = {
    id: `r${number}`,
    partnershipId: 'p',
    number,
    kind: 'pulse',
    itemIds: ITEMS,
    threshold: 5,
    openedAt: '',
    remindAt: '',
    closesAt: '',
    closedAt: `2026-11-${10 + number}T10:00:00.000Z`,
  };
  const answers: AnswerSet[] = trust.map((t) => ({
    roundId: round.id,
    key: (++seq).toString(16).padStart(64, '0'),
    sector: 'public',
    values: { 'trust-promises': t, 'commitment-resources': commitment, 'purpose-clear': 3, 'roles-clear': 3, 'voice-heard': 3 },
  }));
  return { round, invited, answered: answers.length, answers, k: 5 };
}

const settings = { notablePoints: 10 };
const run = (rounds: RoundData[]) => {
  const summaries = rounds.map((r) => summarise(bank, r));
  return { summaries, changes: changes(bank, rounds, summaries, settings) };
};
const trust = (x: ReturnType<typeof run>) => x.changes.find((c) => c.factor === 'trust')!;

describe('indices', () => {
  it('counts people, not statements: a lone rating among skips weighs as one person, and cannot be solved for', () => {
    // Four people answer "Neither" to every trust statement; X answers one "Strongly agree" and skips the rest.
    const trustItems = bank.items.filter((i) => i.factor === 'trust').map((i) => i.id);
    expect(trustItems.length).toBeGreaterThanOrEqual(3);
    const round: Round = {
      id: 'rx',
      partnershipId: 'p',
      number: 1,
      kind: 'healthcheck',
      itemIds: trustItems,
      threshold: 5,
      openedAt: '',
      remindAt: '',
      closesAt: '',
      closedAt: '2026-11-20T10:00:00.000Z',
    };
    const set = (i: number, values: Record<string, ScaleValue | null>): AnswerSet => ({ roundId: 'rx', key: String(i).padStart(64, '0'), values });
    const answers = [
      ...[1, 2, 3, 4].map((i) => set(i, Object.fromEntries(trustItems.map((id) => [id, 3])))),
      set(5, Object.fromEntries(trustItems.map((id, j) => [id, j === 0 ? 5 : null]))),
    ];
    const t = summarise(bank, { round, invited: 5, answered: 5, answers, k: 5 }).factors.find((f) => f.factor === 'trust')!;
    expect(t).toMatchObject({ n: 5, index: 60 });
    // Counting statements gave "16 neither, 1 strongly agree, 3 skipped": with the index, X's own score to the point.
    expect(t.distribution).toEqual({ agree: 1, neither: 4, disagree: 0, skipped: 0 });
  });

  it('rescales the mean 1–5 to 0–100, with spread, distribution and participation', () => {
    const { summaries } = run([roundOf(1, [4, 4, 5, 4, 3, null])]);
    const s = summaries[0]!;
    const t = s.factors.find((f) => f.factor === 'trust')!;
    expect(t).toMatchObject({ n: 5, index: 75, spread: 17.7, distribution: { agree: 4, neither: 1, disagree: 0, skipped: 1 } });
    expect(s.factors.find((f) => f.factor === 'commitment')!.index).toBe(75);
    expect(s).toMatchObject({ invited: 7, answered: 6, visible: true });
    expect(s.rate).toBeCloseTo(6 / 7);
  });

  it('withholds every figure of a factor under the threshold', () => {
    const s = run([roundOf(1, [4, 4, 5, 4, null, null])]).summaries[0]!;
    expect(s.factors.find((f) => f.factor === 'trust')).toMatchObject({ n: 4, index: null, spread: null, distribution: null });
  });
});

describe('change', () => {
  it('a clear drop is notable, with its Welch interval', () => {
    const c = trust(run([roundOf(1, [4, 4, 5, 4, 3]), roundOf(2, [2, 2, 3, 2, 1])]));
    expect(c).toMatchObject({ current: 25, previous: 75, delta: -50, notable: true, judgement: 'beyond-chance' });
    expect(describeChange(c, 1)).toBe('Trust fell clearly, from 75 to 25 since #1 — more than chance would explain');
    // se = √(312.5/5 + 312.5/5) = 11.18, df = 8, t = 2.306 → ±25.8
    expect(c.interval).toEqual([-75.8, -24.2]);
  });

  it('a large but noisy change is not notable: its interval spans zero', () => {
    const c = trust(run([roundOf(1, [2, 2, 3, 2, 1]), roundOf(2, [1, 5, 1, 5, 3])]));
    expect(c.delta).toBe(25);
    expect(c.interval![0]).toBeLessThan(0);
    expect(c.interval![1]).toBeGreaterThan(0);
    expect(c.notable).toBe(false);
    expect(c.judgement).toBe('within-chance');
    expect(describeChange(c)).toBe('Trust moved from 25 to 50 — within what chance explains');
  });

  it('a small certain change is not notable either: under the configured points', () => {
    const c = trust(run([roundOf(1, [4, 4, 4, 4, 4, 4, 4, 3]), roundOf(2, [4, 4, 4, 4, 4, 4, 3, 3])]));
    expect(Math.abs(c.delta!)).toBeLessThan(10);
    expect(c.notable).toBe(false);
    expect(describeChange(c)).toBe('Trust moved a little, from 71.9 to 68.8 — within what chance explains');
  });

  it('says "not enough data" (null) instead of a fake trend', () => {
    expect(trust(run([roundOf(1, [4, 4, 5, 4, 3])]))).toMatchObject({
      current: 75,
      previous: null,
      delta: null,
      interval: null,
      notable: false,
      deltaFromRecent: null,
      judgement: 'first',
    });
    expect(trust(run([roundOf(1, [4, 4, 5, 4, 3]), roundOf(2, [4, 4, null, null, null])]))).toMatchObject({
      current: null,
      delta: null,
      notable: false,
      judgement: 'unshown',
    });
  });
});

describe('honest statistics at the edges (issue 13, part 8)', () => {
  const all = (n: number, v: ScaleValue) => Array.from({ length: n }, () => v);

  it('judges a change with no spread as exact: 11 "Strongly agree", then 11 "Disagree"', () => {
    const c = trust(run([roundOf(1, all(11, 5)), roundOf(2, all(11, 2))]));
    expect(c).toMatchObject({ current: 25, previous: 100, delta: -75, interval: [-75, -75], notable: true });
    expect(describeChange(c, 1)).toBe('Trust fell clearly, from 100 to 25 since #1 — everyone answered alike both times');
  });

  it('judges a change where only one side has spread, with a real interval', () => {
    const c = trust(run([roundOf(1, all(5, 4)), roundOf(2, [2, 2, 3, 2, 1])]));
    expect(c.delta).toBe(-50);
    expect(c.interval![0]).toBeLessThan(c.interval![1]);
    expect(c.notable).toBe(true);
    expect(describeChange(c, 1)).toBe('Trust fell clearly, from 75 to 25 since #1 — more than chance would explain');
  });

  it('with k or more answers on both sides, always judges the change', () => {
    for (const [a, b] of [
      [all(5, 3), all(5, 3)],
      [all(5, 1), all(7, 5)],
      [[1, 2, 3, 4, 5], all(5, 3)],
    ] as ScaleValue[][][]) {
      const c = trust(run([roundOf(1, a!), roundOf(2, b!)]));
      expect(c.interval, `${a} → ${b}`).not.toBeNull();
      expect(describeChange(c)).not.toContain('too few answers');
      expect(c.judgement).toMatch(/^(exact|beyond-chance|within-chance)$/);
    }
  });

  it('says "too few answers" only when a side has fewer than two people', () => {
    expect(welchInterval([50, 50, 50], [0, 0, 0])).toEqual([50, 50]);
    expect(welchInterval([50], [0, 0, 0])).toBeUndefined();
    const c = {
      factor: 'trust',
      label: 'Trust',
      current: 50,
      previous: 40,
      delta: 10,
      interval: null,
      deltaFromRecent: null,
      notable: false,
      large: true,
      judgement: 'too-few' as const,
    };
    expect(describeChange(c)).toBe('Trust rose from 40 to 50 — too few answers to judge');
  });

  it('compares with the mean of the previous three rounds, skipping rounds with too few answers', () => {
    const rounds = [
      roundOf(1, [4, 4, 4, 4, 3]),
      roundOf(2, [4, 4, 4, 4, 5]),
      roundOf(3, [4, null, null, null, null]),
      roundOf(4, [3, 3, 3, 3, 4]),
      roundOf(5, [2, 2, 2, 2, 2]),
    ];
    const c = trust(run(rounds));
    // previous visible: 70, 80, 55 → mean 68.3; current 25
    expect(c.deltaFromRecent).toBe(-43.3);
    expect(c.previous).toBe(55);
  });
});

describe('statistics', () => {
  it('uses Student t for small groups and approaches the normal for large ones', () => {
    expect(tCritical(1)).toBe(12.706);
    expect(tCritical(8.9)).toBe(2.306);
    expect(tCritical(500)).toBe(1.98);
    expect(welchInterval([1], [2, 3])).toBeUndefined();
  });
});

describe('breakdowns of a closed round across a rename or a removal', () => {
  // Public sector: Acme 3 (under k, hidden), Beta 6 and Cedar 6. Hiding Acme needs one more hidden beside it;
  // Beta and Cedar are the same size, so which one is the choice a name must never make.
  const orgs: Organisation[] = [
    { id: 'o-acme', partnershipId: 'p', name: 'Acme', sector: 'public' },
    { id: 'o-beta', partnershipId: 'p', name: 'Beta', sector: 'public' },
    { id: 'o-cedar', partnershipId: 'p', name: 'Cedar', sector: 'public' },
  ];
  const data = roundOf(
    1,
    [...Array(15)].map((_, i) => ((i % 5) + 1) as ScaleValue),
  );
  data.answers.forEach((a, i) => {
    a.organisationId = i < 3 ? 'o-acme' : i < 9 ? 'o-beta' : 'o-cedar';
  });
  const byOrg = (list: Organisation[]) => breakdowns(bank, data, 'trust', list).find((b) => b.by === 'organisation')!.cells;
  const hiddenIds = (list: Organisation[]) =>
    byOrg(list)
      .filter((c) => c.hidden)
      .map((c) => list.find((o) => o.name === c.group)?.id ?? c.group)
      .sort();

  it('hides the same cells after a rename as before it, so the two views together reveal nothing', () => {
    const before = hiddenIds(orgs);
    expect(before).toContain('o-acme');
    // Renaming Beta to sort after Cedar would have moved a name-based tie-break from Beta to Cedar, and
    // Acme = sector − Beta − Cedar from the two views.
    const renamed = orgs.map((o) => (o.id === 'o-beta' ? { ...o, name: 'Zeta' } : o));
    expect(hiddenIds(renamed)).toEqual(before);
    const shownEver = [...byOrg(orgs), ...byOrg(renamed)].filter((c) => !c.hidden);
    expect(shownEver.filter((c) => c.n !== null).reduce((a, c) => a + c.n!, 0)).toBeLessThanOrEqual(15 - 5);
  });

  it("keeps a removed organisation's past answers a group of its own, named as former, hidden as before", () => {
    const withoutAcme = orgs.filter((o) => o.id !== 'o-acme');
    const cells = byOrg(withoutAcme);
    expect(cells.map((c) => c.group)).toEqual(['Beta', 'Cedar', 'former organisation']);
    expect(cells.find((c) => c.group === 'former organisation')).toMatchObject({ hidden: true, n: null, index: null });
    expect(cells.every((c) => c.hidden)).toBe(true);
    const twoGone = byOrg(orgs.filter((o) => o.id === 'o-cedar'));
    expect(twoGone.map((c) => c.group)).toEqual(['Cedar', 'former organisation 1', 'former organisation 2']);
  });
});
