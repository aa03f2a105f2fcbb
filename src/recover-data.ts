// `npm run recover-data -- [--file data/trellis.json]`: after Trellis refused
// to start on a damaged, shortened or missing journal, and there is no backup to
// restore, keeps what can still be read and goes on. The data file takes in the
// journal's changes up to the first damage; every journal file it then starts
// afresh over is first copied aside as `….damaged-<time>`; it says what was lost.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TrellisError } from './core/errors.js';
import { existingSecret } from './secret.js';
import { openLowdbStore } from './store/lowdb-store.js';

const DEFAULT_DATA_FILE = 'data/trellis.json';

export async function recoverData(file: string, secret: string, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<void> {
  if (!existsSync(file)) throw new TrellisError('CONFIG_INVALID', `There is no data file at ${file}. Pass --file FILE or set TRELLIS_DATA.`);
  const said: string[] = [];
  const store = await openLowdbStore(file, secret, undefined, { acceptLoss: true, notice: (m) => said.push(m) });
  await store.close();
  for (const line of said) print(line);
  if (said.length === 0) print(`${file} and its journal read whole: nothing was lost. Start Trellis as usual.`);
  else print('Start Trellis as usual.');
}

async function main(): Promise<void> {
  const { values } = (() => {
    try {
      return parseArgs({ options: { file: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
    } catch (err) {
      throw new TrellisError('CONFIG_INVALID', `${(err as Error).message} (see --help).`);
    }
  })();
  if (values.help) {
    process.stdout.write(
      `Usage: npm run recover-data -- [--file ${DEFAULT_DATA_FILE}]\nDefault: TRELLIS_DATA. Needs TRELLIS_SECRET (or trellis.secret beside the file). Stop Trellis first. Accepts losing what cannot be read; restore from a backup instead if you have one.\n`,
    );
    return;
  }
  const file = values.file ?? (process.env.TRELLIS_DATA?.trim() || DEFAULT_DATA_FILE);
  const secret = existingSecret({ secret: process.env.TRELLIS_SECRET?.trim(), dataFile: file });
  if (!secret)
    throw new TrellisError(
      'CONFIG_INVALID',
      `recover-data needs the TRELLIS_SECRET Trellis runs with (set it, or keep trellis.secret beside ${file}): the journal is sealed under it. Nothing was changed.`,
    );
  await recoverData(file, secret);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`recover-data: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
