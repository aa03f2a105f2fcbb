// The house's layers, enforced: every import in src is resolved to the file it
// reaches, and that file's room must be one the importer's room may use.
// Arrows run one way: adapters → delivery → core, and inside the core
// features → kernel, never back.
import { describe, expect, it } from 'vitest';
import { importsOf, sourceFiles, type Import } from './helpers/import-graph.js';

/** The core's feature folders; the files directly in src/core (and any other folder) are its kernel. */
const FEATURES = ['commands', 'concerns', 'protocols', 'survey', 'trends'];
/** Core files whose job is to put every feature together, so they alone may import them all. */
const COMPOSITION = [
  'src/core/trellis.ts', // the entry point: routes commands, clicks and submissions to features
  'src/core/tick.ts', // every feature's due work, once a minute
  'src/core/grammar.ts', // one command grammar made of each feature's
  'src/core/help.ts', // help drawn from every feature's usage
  'src/core/upgrades.ts', // each feature's one-time data upgrade, run at start
  'src/core/console.ts', // what one person can do now: every feature's buttons, by job
];
/** Utilities every outer layer may use: settings, logging, error reporting, the secret. */
const GROUND = ['src/config.ts', 'src/log.ts', 'src/console-to-log.ts', 'src/report-error.ts', 'src/secret.ts'];
/** The processes' entry points: they build the house and may import anything. */
const ENTRY = [
  'src/main.ts',
  'src/server.ts',
  'src/scheduler.ts',
  'src/migrate-data.ts',
  'src/recover-data.ts',
  // The server's own wiring around every request: what it counts, its id, the requests a stop waits for.
  'src/metrics.ts',
  'src/request-id.ts',
  'src/in-flight.ts',
];

const ROOMS = ['kernel', 'feature', 'composition', 'store', 'delivery', 'charts', 'web', 'email', 'adapters', 'ground', 'entry'] as const;
type Room = (typeof ROOMS)[number];
const CORE: Room[] = ['kernel', 'feature', 'composition'];

/** Which rooms each room may import from (its own included where listed). */
const MAY_IMPORT: Record<Room, readonly Room[]> = {
  kernel: ['kernel'],
  feature: ['kernel', 'feature'],
  composition: [...CORE],
  store: [...CORE, 'store', 'ground'],
  delivery: [...CORE, 'delivery', 'ground'],
  charts: [...CORE, 'charts'],
  web: [...CORE, 'web', 'charts', 'ground'],
  // Email is adapter-level: a platform messenger (nodemailer) and its renderer, linking to web's pages.
  email: [...CORE, 'email', 'delivery', 'web', 'ground'],
  adapters: [...CORE, 'adapters', 'delivery', 'web', 'email', 'charts', 'ground'],
  ground: [...CORE, 'ground'],
  entry: ROOMS,
};

/** The only packages the core may import: no SDK, storage library, scheduler or logger reaches it. */
const CORE_PACKAGES = /^(node:|zod$)/;

function roomOf(file: string): Room | undefined {
  if (COMPOSITION.includes(file)) return 'composition';
  if (GROUND.includes(file)) return 'ground';
  if (ENTRY.includes(file)) return 'entry';
  const [src, top, sub] = file.split('/');
  if (src !== 'src') return undefined;
  if (top === 'core') return sub && FEATURES.includes(sub) ? 'feature' : 'kernel';
  return (['store', 'delivery', 'charts', 'web', 'email', 'adapters'] as const).find((room) => room === top);
}

/** What `file` may not import, each as "file → where it lands". */
function violations(file: string, imports: Import[] = importsOf(file)): string[] {
  const room = roomOf(file);
  if (!room) return [`${file} sits in no room`];
  return imports
    .filter((i) => {
      if (i.pkg) return CORE.includes(room) && !CORE_PACKAGES.test(i.pkg);
      const target = roomOf(i.file!);
      return !target || !MAY_IMPORT[room].includes(target);
    })
    .map((i) => `${file} → ${i.file ?? i.pkg}`);
}

const at = (file: string, source: string) => violations(file, importsOf(file, source));

describe('layers', () => {
  const files = sourceFiles('src');

  it('finds every room full of real files (so the check cannot pass vacuously)', () => {
    const byRoom = new Map<Room | undefined, number>();
    for (const f of files) byRoom.set(roomOf(f), (byRoom.get(roomOf(f)) ?? 0) + 1);
    for (const room of ROOMS) expect(byRoom.get(room) ?? 0, room).toBeGreaterThan(0);
    expect(byRoom.get(undefined)).toBeUndefined();
    // Every file the table names by hand is still there: a stale name would leave a hole in the table.
    for (const named of [...COMPOSITION, ...GROUND, ...ENTRY]) expect(files).toContain(named);
    expect(byRoom.get('kernel')).toBeGreaterThan(5);
    expect(files.flatMap((f) => importsOf(f)).filter((i) => i.file).length).toBeGreaterThan(300);
  });

  it('refuses a forbidden import however its path is written', () => {
    const feature = 'src/core/survey/x.ts';
    expect(at(feature, "import { a } from '../../adapters/adapter.js';")).toEqual([`${feature} → src/adapters/adapter.ts`]);
    expect(at(feature, "import type { B } from '../../delivery/dispatcher.js';")).toEqual([`${feature} → src/delivery/dispatcher.ts`]);
    expect(at(feature, "export { c } from '../../report-error.js';")).toEqual([`${feature} → src/report-error.ts`]);
    expect(at(feature, "const d = await import('../../store/journal.js');")).toEqual([`${feature} → src/store/journal.ts`]);
    expect(at(feature, "import { App } from '@slack/bolt';\nimport pg from 'pg';")).toEqual([`${feature} → @slack/bolt`, `${feature} → pg`]);
    expect(at(feature, "import { e } from './no-such-file.js';")).toEqual([`${feature} → unresolved:./no-such-file.js`]);
    // Inside the core: the kernel never reaches up into a feature.
    expect(at('src/core/x.ts', "import { tick } from './survey/rounds.js';")).toEqual(['src/core/x.ts → src/core/survey/rounds.ts']);
    // Delivery sits under the adapters, and the store beside it.
    expect(at('src/delivery/x.ts', "import { y } from '../adapters/adapter.js';")).toEqual(['src/delivery/x.ts → src/adapters/adapter.ts']);
    expect(at('src/store/x.ts', "import { y } from '../delivery/dispatcher.js';")).toEqual(['src/store/x.ts → src/delivery/dispatcher.ts']);
    // Email sits beside the adapters: the web pages never reach into it, and it never into an adapter.
    expect(at('src/web/x.ts', "import { y } from '../email/mailbox.js';")).toEqual(['src/web/x.ts → src/email/mailbox.ts']);
    expect(at('src/email/x.ts', "import { y } from '../adapters/adapter.js';")).toEqual(['src/email/x.ts → src/adapters/adapter.ts']);
  });

  it('lets an allowed import through', () => {
    expect(
      at('src/core/survey/x.ts', "import type { Round } from '../model.js';\nimport { z } from 'zod';\nimport { createHmac } from 'node:crypto';"),
    ).toEqual([]);
    expect(at('src/adapters/x.ts', "import { y } from '../delivery/dispatcher.js';\nimport { App } from '@slack/bolt';")).toEqual([]);
    expect(at('src/core/tick.ts', "import { tickRounds } from './survey/rounds.js';")).toEqual([]);
  });

  it.each(ROOMS)('%s imports only from the rooms the table allows', (room) => {
    expect(files.filter((f) => roomOf(f) === room).flatMap((f) => violations(f))).toEqual([]);
  });
});
