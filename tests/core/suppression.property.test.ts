// Property: over random partnerships and answers, no group of fewer than k
// people can be recovered from any combination of the figures shown — the
// total, the sector cells and the organisation cells. A figure for a group is
// recoverable exactly when that group's membership vector (over
// organisations, weighted by respondents) lies in the span of the visible
// cells' vectors; we check every subset of organisations.
//
// The second property (issue 13, part 3) works over people, with skipped
// statements: each published figure's coefficients over people's scores are
// measured from the real code (raise one person's answers, see what moves), so
// a figure that weighs people unequally is caught, not assumed away.
import { describe, expect, it } from 'vitest';
import type { AnswerSet, Organisation, Round, ScaleValue, Sector } from '../../src/core/model.js';
import { bankFor } from '../../src/core/survey/bank.js';
import { breakdowns, gaps, summarise, type RoundData } from '../../src/core/trends/compute.js';

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
      answers.push({
        roundId: 'r',
        key: `${o}-${i}`.padStart(64, '0'),
        ...(sector ? { organisationId: org.id, sector } : {}),
        values: { 'trust-promises': (1 + Math.floor(rnd() * 5)) as 1 },
      });
    }
  }
  const round: Round = {
    id: 'r',
    partnershipId: 'p',
    number: 1,
    kind: 'pulse',
    itemIds: ['trust-promises'],
    threshold: 3,
    openedAt: '',
    remindAt: '',
    closesAt: '',
  };
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
    const answers: AnswerSet[] = Array.from({ length: 10 }, (_, i) => ({
      roundId: 'r',
      key: String(i).padStart(64, '0'),
      organisationId: i < 5 ? 'a' : 'b',
      sector: i < 5 ? 'public' : 'voluntary',
      values: { 'trust-promises': 4 },
    }));
    const orgs: Organisation[] = [
      { id: 'a', partnershipId: 'p', name: 'A', sector: 'public' },
      { id: 'b', partnershipId: 'p', name: 'B', sector: 'voluntary' },
    ];
    const round: Round = {
      id: 'r',
      partnershipId: 'p',
      number: 1,
      kind: 'pulse',
      itemIds: ['trust-promises'],
      threshold: 3,
      openedAt: '',
      remindAt: '',
      closesAt: '',
    };
    const [bySector] = breakdowns(bank, { round, invited: 10, answered: 10, answers, k: 5 }, 'trust', orgs);
    expect(bySector!.cells).toEqual([
      { group: 'public', n: 5, index: 75, hidden: false },
      { group: 'voluntary', n: 5, index: 75, hidden: false },
    ]);
  });
});

const TRUST_ITEMS = ['trust-promises', 'trust-competence', 'trust-goodwill', 'trust-openness'];
const healthCheck: Round = {
  id: 'r',
  partnershipId: 'p',
  number: 1,
  kind: 'healthcheck',
  itemIds: TRUST_ITEMS,
  threshold: 3,
  openedAt: '',
  remindAt: '',
  closesAt: '',
};

/** Random partnerships whose people skip statements ("prefer not to say") now and then. */
function randomSkippingCase(seed: number) {
  const rnd = prng(seed * 7919);
  const k = 3 + Math.floor(rnd() * 4);
  const orgs: Organisation[] = [];
  const answers: AnswerSet[] = [];
  const orgCount = 1 + Math.floor(rnd() * 8);
  for (let o = 0; o < orgCount; o++) {
    const sector = SECTORS[Math.floor(rnd() * SECTORS.length)];
    const org: Organisation = { id: `o${o}`, partnershipId: 'p', name: `Org ${o}`, sector: sector ?? 'public' };
    if (sector) orgs.push(org);
    const people = Math.floor(rnd() * 8);
    for (let i = 0; i < people; i++) {
      const values: Record<string, ScaleValue | null> = {};
      for (const id of TRUST_ITEMS) values[id] = rnd() < 0.25 ? null : ((1 + Math.floor(rnd() * 5)) as ScaleValue);
      answers.push({ roundId: 'r', key: `${o}-${i}`.padStart(64, '0'), ...(sector ? { organisationId: org.id, sector } : {}), values });
    }
  }
  return { k, orgs, data: { round: healthCheck, invited: answers.length, answered: answers.length, answers, k } satisfies RoundData };
}

/** Every figure of the factor published at once: the overall index, every shown cell, every sector's "the others" figure. */
function publishedFigures(data: RoundData, orgs: Organisation[]): Map<string, number> {
  const out = new Map<string, number>();
  const overall = summarise(bank, data).factors.find((f) => f.factor === 'trust')?.index;
  if (overall !== null && overall !== undefined) out.set('overall', overall);
  for (const b of breakdowns(bank, data, 'trust', orgs)) for (const c of b.cells) if (c.index !== null) out.set(`${b.by}:${c.group}`, c.index);
  // Every gap, however small: a superset of what the digest and dashboard show.
  for (const g of gaps(bank, data, 'trust', orgs, -1000)) out.set(`others-than:${g.sector}`, g.othersIndex);
  return out;
}

const BUMP = 1e7;

/**
 * Each figure as a linear function of people's scores, measured: raising all of
 * one person's rated answers by BUMP raises their score by 25·BUMP and each
 * figure by its coefficient for them times that (rounding to 0.1 adds < 1e-9).
 */
function coefficientRows(data: RoundData, orgs: Organisation[], people: AnswerSet[]): number[][] {
  const base = publishedFigures(data, orgs);
  const columns = people.map((person) => {
    const raised = data.answers.map((a) =>
      a === person ? { ...a, values: Object.fromEntries(Object.entries(a.values).map(([id, v]) => [id, v === null ? null : ((v + BUMP) as ScaleValue)])) } : a,
    );
    const after = publishedFigures({ ...data, answers: raised }, orgs);
    return [...base].map(([id, v]) => (after.get(id)! - v) / (25 * BUMP));
  });
  return [...base.keys()].map((_, f) => columns.map((col) => col[f]!));
}

/** Is `target` in the row space of `rows`, allowing for measurement noise? */
function inRowSpace(rows: number[][], target: number[]): boolean {
  const basis: { row: number[]; pivot: number }[] = [];
  const reduce = (v: number[]) => {
    for (const b of basis) {
      const f = v[b.pivot]! / b.row[b.pivot]!;
      if (f) for (let i = 0; i < v.length; i++) v[i]! -= f * b.row[i]!;
    }
    return v;
  };
  for (const r of rows) {
    const v = reduce([...r]);
    let pivot = -1;
    for (let i = 0; i < v.length; i++) if (Math.abs(v[i]!) > 1e-6 && (pivot === -1 || Math.abs(v[i]!) > Math.abs(v[pivot]!))) pivot = i;
    if (pivot !== -1) basis.push({ row: v, pivot });
  }
  return reduce([...target]).every((x) => Math.abs(x) < 1e-4);
}

describe('one way to compute every figure: no arithmetic reveals a person (issue 13, part 3)', () => {
  it('over 400 random partnerships with skipped statements, no person and no group under k lies in the span of all published figures', () => {
    let people = 0;
    let groupsChecked = 0;
    let skipsSeen = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { k, orgs, data } = randomSkippingCase(seed);
      const scored = data.answers.filter((a) => Object.values(a.values).some((v) => v !== null));
      skipsSeen += scored.filter((a) => Object.values(a.values).includes(null)).length;
      const rows = coefficientRows(data, orgs, scored);
      if (rows.length === 0) continue;
      const unit = (members: AnswerSet[]) => scored.map((a) => (members.includes(a) ? 1 : 0));
      for (const person of scored) {
        people++;
        expect(inRowSpace(rows, unit([person])), `seed ${seed}: one person's score (k=${k}) is recoverable`).toBe(false);
      }
      const groupOf = (a: AnswerSet) => a.organisationId ?? 'independent';
      const groups = [...new Set(scored.map(groupOf))];
      for (let mask = 1; mask < 1 << groups.length; mask++) {
        const members = scored.filter((a) => mask & (1 << groups.indexOf(groupOf(a))));
        if (members.length >= k) continue;
        groupsChecked++;
        expect(inRowSpace(rows, unit(members)), `seed ${seed}: a group of ${members.length} (k=${k}) is recoverable`).toBe(false);
      }
    }
    expect(people).toBeGreaterThan(5000);
    expect(skipsSeen).toBeGreaterThan(3000);
    expect(groupsChecked).toBeGreaterThan(500);
  });

  it('regression: one skipped statement no longer gives away a person as 24P − 23I', () => {
    // A health check's four trust statements; six people of one organisation; one of them
    // (the last) rated three and skipped one, all "Strongly disagree"; the others "Strongly agree".
    const orgs: Organisation[] = [{ id: 'a', partnershipId: 'p', name: 'City Council', sector: 'public' }];
    const answers: AnswerSet[] = Array.from({ length: 6 }, (_, i) => ({
      roundId: 'r',
      key: String(i).padStart(64, '0'),
      organisationId: 'a',
      sector: 'public',
      values:
        i < 5
          ? Object.fromEntries(TRUST_ITEMS.map((id) => [id, 5]))
          : { 'trust-promises': 1, 'trust-competence': 1, 'trust-goodwill': 1, 'trust-openness': null },
    }));
    const data: RoundData = { round: healthCheck, invited: 6, answered: 6, answers, k: 5 };
    const overall = summarise(bank, data).factors.find((f) => f.factor === 'trust')!.index!;
    const sector = breakdowns(bank, data, 'trust', orgs)[0]!.cells.find((c) => c.group === 'public')!;
    // Both figures are the mean of the six people's scores: the same number, computed one way.
    expect(sector).toMatchObject({ n: 6, hidden: false });
    expect(overall).toBe(sector.index);
    expect(overall).toBe(83.3);
    // The attack: 24 statements' worth of the cell minus the 23 values of the overall index.
    const recovered = 24 * sector.index! - 23 * overall;
    expect(Math.abs(recovered - 0)).toBeGreaterThan(50); // the skipper's own score is 0
  });
});
