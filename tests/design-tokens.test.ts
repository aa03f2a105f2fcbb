// One source for the design tokens: the dashboard inlines them, the
// playground loads them as /tokens.css; no colour is written twice.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOKENS_CSS } from '../src/web/design-tokens.js';
import { page } from '../src/web/html.js';

const STYLED = ['src/web/design-tokens.ts', 'src/web/html.ts', 'src/adapters/playground/public/style.css', 'src/adapters/playground/public/message-view.js'];
const COLOUR = /#[0-9a-f]{3,8}\b|rgba?\([^)]*\)/gi;

describe('design tokens', () => {
  it('are inlined in every dashboard and legal page', () => {
    expect(page('T', '<p>x</p>')).toContain(TOKENS_CSS);
    expect(TOKENS_CSS).toMatch(/--brand: #0f766e;/);
  });

  it("write each colour once across the dashboard's and the playground's styles", () => {
    const seen = new Map<string, string[]>();
    for (const file of STYLED) {
      for (const c of readFileSync(file, 'utf8').match(COLOUR) ?? []) {
        const key = c.toLowerCase().replace(/\s+/g, '');
        seen.set(key, [...(seen.get(key) ?? []), file]);
      }
    }
    // A shadow's rgba parts differ in alpha; only the exact same colour counts as written twice.
    expect([...seen].filter(([, files]) => files.length > 1)).toEqual([]);
  });
});
