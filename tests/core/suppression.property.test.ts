// Property: over random partnerships and answers, no group of fewer than k
// people can be recovered from any combination of the figures shown — the
// total, the sector cells and the organisation cells. A figure for a group is
// recoverable exactly when that group's membership vector (over
// organisations, weighted by respondents) lies in the span of the visible
// cells' vectors; we check every subset of organisations.
import { describe, expect, it } from 'vitest';
import type { AnswerSet, Organisation, Round, Sector } from '../../src/core/model.js';
import { bankFor } from '../../src/core/survey/bank.js';
import { breakdowns } from '../../src/core/trends/compute.js';

const bank = bankFor([]);
const SECTORS: (Sector | undefined)[] = ['public', 'private', 'voluntary', 'community', undefined];

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Is `target` in the span of `rows`? (Gaussian elimination; small exact-ish integer data.) */
function inSpan(rows: number[][], target: number[]): boolean {
  const m = rows.map((r) => [...r]);
  const basis: { row: number[]; pivot: number }[] = [];
  for (const r of m) {
    for (const b of basis) {
      const f = r[b.pivot]! / b.row[b.pivot]!;
      if (f) for (let i = 0; i < r.length; i++) r[i]! -= f * b.row[i]!;
    }
    const pivot = r.findIndex((x) => Math.abs(x) > 1e-9);
    if (pivot !== -1) basis.push({ row: r, pivot });
  }
  const t = [...target];
  for (const b of basis) {
    const f = t[b.pivot]! / b.row[b.pivot]!;
    if (f) for (let i = 0; i < t.length; i++) t[i]! -= f * b.row[i]!;
  }
  return t.every((x) => Math.abs(x) < 1e-6);
}

function randomCase(seed: number) {
  const rnd = prng(seed);
  const k = 3 + Math.floor(rnd() * 4);
  const orgCount = 1 + Math.floor(rnd() * 9);
  const orgs: Organisation[] = [];
  const answers: AnswerSet[] = [];
  for (let o = 0; o < orgCount; o++) {
    const sector = SECTORS[Math.floor(rnd() * SECTORS.length)];
    const org: Organisation = { id: `o${o}`, partnershipId: 'p', name: `Org ${o}`, sector: sector ?? 'public' };
    if (sector) orgs.push(org);
    const people = Math.floor(rnd() * 9);
    for (let i = 0; i < people; i++) {
      answers.push({ roundId: 'r', key: `${o}-${i}`.padStart(64, '0'), ...(sector ? { organisationId: org.id, sector } : {}), values: { 'trust-promises': (1 + Math.floor(rnd() * 5)) as 1 } });
    }
  }
  const round: Round = { id: 'r', partnershipId: 'p', number: 1, kind: 'pulse', itemIds: ['trust-promises'], threshold: 3, openedAt: '', remindAt: '', closesAt: '' };
  return { k, orgs, answers, round };
}

describe('complementary suppression', () => {
  it('never lets a group under k be recovered, over 600 random partnerships', () => {
    let checkedSubsets = 0;
    let hiddenCells = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const { k, orgs, answers, round } = randomCase(seed);
      const [bySector, byOrg] = breakdowns(bank, { round, invited: answers.length, answered: answers.length, answers, k }, 'trust', orgs);
      // Groups: each organisation's respondents (independents form one group of their own).
      const groupOf = (a: AnswerSet) => orgs.find((o) => o.id === a.organisationId)?.name ?? 'independent';
      const groups = [...new Set(answers.map(groupOf))];
      const size = (g: string) => answers.filter((a) => groupOf(a) === g).length;
      const sectorOfGroup = (g: string) => answers.find((a) => groupOf(a) === g)?.sector ?? 'independent';
      const vector = (members: string[]) => groups.map((g) => (members.includes(g) ? size(g) : 0));
      const visible: number[][] = [];
      if (answers.length >= k) visible.push(vector(groups)); // the total is shown when k or more answered
      for (const c of bySector!.cells) if (!c.hidden) visible.push(vector(groups.filter((g) => sectorOfGroup(g) === c.group)));
      for (const c of byOrg!.cells) if (!c.hidden) visible.push(vector([c.group]));
      hiddenCells += [...bySector!.cells, ...byOrg!.cells].filter((c) => c.hidden).length;
      for (const c of [...bySector!.cells, ...byOrg!.cells]) if (!c.hidden) expect(c.n).toBeGreaterThanOrEqual(k);

      for (let mask = 1; mask < 1 << groups.length; mask++) {
        const subset = groups.filter((_, i) => mask & (1 << i));
        const people = subset.reduce((a, g) => a + size(g), 0);
        if (people === 0 || people >= k) continue;
        checkedSubsets++;
        expect(inSpan(visible, vector(subset)), `seed ${seed}: {${subset.join(', ')}} (${people} people, k=${k}) is recoverable`).toBe(false);
      }
    }
    // The property was exercised, not vacuously true.
    expect(checkedSubsets).toBeGreaterThan(1000);
    expect(hiddenCells).toBeGreaterThan(500);
  });

  it('shows cells of k or more when nothing needs protecting', () => {
    const answers: AnswerSet[] = Array.from({ length: 10 }, (_, i) => ({ roundId: 'r', key: String(i).padStart(64, '0'), organisationId: i < 5 ? 'a' : 'b', sector: i < 5 ? 'public' : 'voluntary', values: { 'trust-promises': 4 } }));
    const orgs: Organisation[] = [
      { id: 'a', partnershipId: 'p', name: 'A', sector: 'public' },
      { id: 'b', partnershipId: 'p', name: 'B', sector: 'voluntary' },
    ];
    const round: Round = { id: 'r', partnershipId: 'p', number: 1, kind: 'pulse', itemIds: ['trust-promises'], threshold: 3, openedAt: '', remindAt: '', closesAt: '' };
    const [bySector] = breakdowns(bank, { round, invited: 10, answered: 10, answers, k: 5 }, 'trust', orgs);
    expect(bySector!.cells).toEqual([
      { group: 'public', n: 5, index: 75, hidden: false },
      { group: 'voluntary', n: 5, index: 75, hidden: false },
    ]);
  });
});
