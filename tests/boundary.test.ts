// The house rule: the core imports no SDK, no storage library, no scheduler.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FORBIDDEN = /^(@slack\/|@microsoft\/|botbuilder|botframework|lowdb|pg|node-cron|express)/;
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

const importsOf = (source: string) => [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]!);

describe('core boundary', () => {
  const core = files('src/core');

  it('finds the core files (so the check cannot pass vacuously)', () => {
    expect(core.length).toBeGreaterThan(5);
    expect(importsOf("import { App } from '@slack/bolt';\nconst x = await import('lowdb');").filter((s) => FORBIDDEN.test(s))).toEqual(['@slack/bolt', 'lowdb']);
  });

  it.each(files('src/core'))('%s imports no platform SDK, storage or scheduler', (file) => {
    const bad = importsOf(readFileSync(file, 'utf8')).filter((s) => FORBIDDEN.test(s) || s.startsWith('../adapters') || s.includes('/store/'));
    expect(bad).toEqual([]);
  });
});
