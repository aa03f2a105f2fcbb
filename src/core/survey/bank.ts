// The question bank, validated at load, plus a partnership's own statements.
import { z } from 'zod';
import type { CustomItem } from '../model.js';
import { BANK_DATA } from './bank-data.js';

export const MAX_STATEMENT_LENGTH = 200;
/** 2 core items + 3 rotating per round, every factor within 4 rounds: 12 rotating factors at most. */
export const MAX_ROTATING_FACTORS = 12;

const bankSchema = z
  .array(
    z.object({
      factor: z.string().regex(/^[a-z][a-z-]*$/),
      label: z.string().min(1),
      core: z.boolean(),
      items: z
        .array(z.object({ id: z.string().regex(/^[a-z][a-z-]*$/), text: z.string().min(10).max(MAX_STATEMENT_LENGTH) }))
        .min(2)
        .max(4),
    }),
  )
  .refine((fs) => new Set(fs.map((f) => f.factor)).size === fs.length, 'factor names must be unique')
  .refine((fs) => new Set(fs.flatMap((f) => f.items.map((i) => i.id))).size === fs.flatMap((f) => f.items).length, 'item ids must be unique')
  .refine(
    (fs) =>
      fs
        .filter((f) => f.core)
        .map((f) => f.factor)
        .join() === 'trust,commitment',
    'trust and commitment are the core factors',
  );

export type Factor = z.infer<typeof bankSchema>[number];
export interface Item {
  id: string;
  factor: string;
  text: string;
}

export const BUILT_IN: Factor[] = bankSchema.parse(BANK_DATA);
export const CORE_FACTORS = ['trust', 'commitment'] as const;

export interface Bank {
  factors: Factor[];
  items: Item[];
  item(id: string): Item | undefined;
  factor(name: string): Factor | undefined;
}

/** The built-in bank with one partnership's own statements and factors added. */
export function bankFor(custom: CustomItem[]): Bank {
  const factors: Factor[] = BUILT_IN.map((f) => ({ ...f, items: [...f.items] }));
  for (const c of custom) {
    let f = factors.find((x) => x.factor === c.factor);
    if (!f) {
      f = { factor: c.factor, label: c.factorLabel ?? c.factor, core: false, items: [] };
      factors.push(f);
    }
    f.items.push({ id: c.id, text: c.text });
  }
  const items = factors.flatMap((f) => f.items.map((i) => ({ id: i.id, factor: f.factor, text: i.text })));
  const byId = new Map(items.map((i) => [i.id, i]));
  return {
    factors,
    items,
    item: (id) => byId.get(id),
    factor: (name) => factors.find((f) => f.factor === name || f.label.toLowerCase() === name.toLowerCase()),
  };
}

/** "Power & voice" → "power-voice": how a coordinator's new factor is named. */
export const slug = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
