import { describe, expect, it } from 'vitest';
import { bankFor, BUILT_IN, MAX_ROTATING_FACTORS } from '../../src/core/survey/bank.js';
import { choosePulseItems, healthCheckItems } from '../../src/core/survey/rotation.js';
import type { CustomItem } from '../../src/core/model.js';

function rounds(custom: CustomItem[], n: number) {
  const bank = bankFor(custom);
  const history: string[][] = [];
  for (let i = 0; i < n; i++) history.push(choosePulseItems(bank, history));
  return { bank, history };
}

const factorsOf = (bank: ReturnType<typeof bankFor>, ids: string[]) => ids.map((id) => bank.item(id)!.factor);

describe('the question bank', () => {
  it('has the nine factors of the instrument, 2–4 statements each, trust and commitment core', () => {
    expect(BUILT_IN.map((f) => f.factor)).toEqual([
      'trust',
      'commitment',
      'shared-purpose',
      'roles',
      'power-voice',
      'communication',
      'conflict',
      'resources',
      'outcomes',
    ]);
    for (const f of BUILT_IN) expect(f.items.length).toBeGreaterThanOrEqual(2);
    for (const f of BUILT_IN) expect(f.items.length).toBeLessThanOrEqual(4);
  });
});

describe('pulse rotation', () => {
  const customFactors = (n: number): CustomItem[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `custom-${i}`,
      partnershipId: 'p',
      factor: `own-${i}`,
      factorLabel: `Own ${i}`,
      text: `Our own statement number ${i}.`,
    }));

  it.each([0, 2, MAX_ROTATING_FACTORS - 7])('with %i custom factors: ≤ 5 items, trust and commitment every round, every factor in any 4 rounds', (extra) => {
    const { bank, history } = rounds(customFactors(extra), 40);
    for (const ids of history) {
      expect(ids.length).toBeLessThanOrEqual(5);
      expect(new Set(ids).size).toBe(ids.length);
      const factors = factorsOf(bank, ids);
      expect(factors.slice(0, 2)).toEqual(['trust', 'commitment']);
    }
    for (let start = 0; start + 4 <= history.length; start++) {
      const asked = new Set(history.slice(start, start + 4).flatMap((ids) => factorsOf(bank, ids)));
      for (const f of bank.factors) expect(asked, `rounds ${start + 1}–${start + 4} miss ${f.factor}`).toContain(f.factor);
    }
  });

  it('rotates through every trust and commitment statement before repeating one', () => {
    const { bank, history } = rounds([], 4);
    const trust = history.map((ids) => ids[0]);
    expect(new Set(trust).size).toBe(bank.items.filter((i) => i.factor === 'trust').length);
    expect(new Set(history.slice(0, 3).map((ids) => ids[1])).size).toBe(3);
  });

  it('asks a newly added factor in the very next round', () => {
    const before = rounds([], 5).history;
    const bank = bankFor(customFactors(1));
    expect(factorsOf(bank, choosePulseItems(bank, before))).toContain('own-0');
  });

  it('a health check asks every statement', () => {
    const bank = bankFor(customFactors(1));
    expect(healthCheckItems(bank)).toHaveLength(BUILT_IN.flatMap((f) => f.items).length + 1);
  });
});
