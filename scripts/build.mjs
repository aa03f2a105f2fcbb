// `npm run build`: TypeScript to dist/ (plus the playground's static files,
// which are served as they are). `--if-stale` (npm's prestart) builds only when
// dist/ is missing or older than any source, so `npm start` on a fresh clone
// needs no other step and a second start does not compile again.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const STAMP = 'dist/.built';
const SOURCES = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time under `path` (a file or a folder). */
function newest(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
}

const stale = () => !existsSync(STAMP) || !existsSync('dist/main.js') || SOURCES.some((p) => newest(p) > statSync(STAMP).mtimeMs);

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);
rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
cpSync('src/adapters/playground/public', 'dist/adapters/playground/public', { recursive: true });
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
