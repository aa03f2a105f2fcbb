// Which statements a pulse round asks. Trust and commitment every round (one
// statement each, rotating); then the 3 rotating factors asked least recently,
// so with at most 12 rotating factors each is asked within any 4 rounds.
import type { Bank, Item } from './bank.js';
import { CORE_FACTORS } from './bank.js';

export const ROTATING_PER_ROUND = 3;

/** `history`: the item ids of earlier rounds, oldest first. */
export function choosePulseItems(bank: Bank, history: string[][]): string[] {
  const lastAsked = new Map<string, number>(); // factor or item id → index of the last round that asked it
  history.forEach((ids, round) => {
    for (const id of ids) {
      const item = bank.item(id);
      if (!item) continue;
      lastAsked.set(item.id, round);
      lastAsked.set(`factor:${item.factor}`, round);
    }
  });
  const staleness = (key: string) => lastAsked.get(key) ?? -1;
  const leastRecent = (items: Item[]) => [...items].sort((a, b) => staleness(a.id) - staleness(b.id))[0]!;
  const itemsOf = (factor: string) => bank.items.filter((i) => i.factor === factor);

  const core = CORE_FACTORS.map((f) => leastRecent(itemsOf(f)));
  const rotating = bank.factors
    .filter((f) => !f.core && f.items.length > 0)
    .map((f, order) => ({ f, order }))
    .sort((a, b) => staleness(`factor:${a.f.factor}`) - staleness(`factor:${b.f.factor}`) || a.order - b.order)
    .slice(0, ROTATING_PER_ROUND)
    .map(({ f }) => leastRecent(itemsOf(f.factor)));
  return [...core, ...rotating].map((i) => i.id);
}

/** A full health check: every statement in the bank. */
export const healthCheckItems = (bank: Bank) => bank.items.map((i) => i.id);
