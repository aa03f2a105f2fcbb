// deploy/: the image, the compose file, the systemd unit and the reverse
// proxy, checked as far as this machine allows (no container engine): each is
// parsed and held to what running Trellis as a service needs, and each starts
// Trellis with the one command tests/stop-under-load.test.ts runs and stops.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PRODUCTION_START } from './helpers/production-start.js';

const read = (path: string) => readFileSync(path, 'utf8');
const SYSTEMD_ANALYZE = '/usr/bin/systemd-analyze';

/** A Dockerfile's instructions, continuation lines joined and comments dropped, grouped by stage. */
function dockerStages(text: string): { from: string; instructions: { op: string; args: string }[] }[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: { from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') stages.push({ from: args, instructions: [] });
    else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

/** A unit file's settings by section; a key set more than once keeps every value. */
function unitFile(text: string): Record<string, Record<string, string[]>> {
  const sections: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!;
    else {
      const at = line.indexOf('=');
      const values = ((sections[section] ??= {})[line.slice(0, at).trim()] ??= []);
      values.push(line.slice(at + 1).trim());
    }
  }
  return sections;
}

describe('the production start command', () => {
  it('is npm start', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(PRODUCTION_START.join(' '));
    // A fresh clone builds before its first start, and again whenever the sources are newer.
    expect(pkg.scripts.prestart).toBe('node scripts/build.mjs --if-stale');
    expect(pkg.scripts.build).toBe('node scripts/build.mjs');
  });
});

describe('deploy/Dockerfile', () => {
  const stages = dockerStages(read('deploy/Dockerfile'));
  const final = stages.at(-1)!;
  const all = (op: string) => final.instructions.filter((i) => i.op === op);
  const last = (op: string) => all(op).at(-1)?.args;

  it('builds in stages on a small Node 20 base', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.from).toMatch(/^node:20-(slim|alpine)\b/);
  });

  it('ships the built app and production packages only', () => {
    const copies = all('COPY').map((c) => c.args);
    expect(copies.some((c) => /--from=\S+ \/app\/dist \.\/dist/.test(c))).toBe(true);
    expect(copies.filter((c) => /\bsrc\b|\btests\b/.test(c))).toEqual([]);
    const deps = stages.flatMap((s) => s.instructions).find((i) => i.op === 'RUN' && i.args.includes('--omit=dev'));
    expect(deps, 'an npm ci --omit=dev stage').toBeDefined();
    const ignored = read('.dockerignore').split('\n');
    for (const path of ['node_modules', 'data', 'dist', '.env']) expect(ignored).toContain(path);
  });

  it('runs as a user other than root, with its data on a volume and a health check on /healthz', () => {
    const user = last('USER');
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // USER before CMD: the process itself runs unprivileged.
    const ops = final.instructions.map((i) => i.op);
    expect(ops.lastIndexOf('USER')).toBeLessThan(ops.lastIndexOf('CMD'));
    const data = /TRELLIS_DATA=(\S+)/.exec(
      all('ENV')
        .map((e) => e.args)
        .join(' '),
    )?.[1];
    expect(data).toBeDefined();
    expect(JSON.parse(last('VOLUME')!)).toContain(posix.dirname(data!));
    expect(last('HEALTHCHECK')).toMatch(/CMD .*\/healthz/);
  });

  it('starts node on the built entry point directly, in exec form', () => {
    expect(JSON.parse(last('CMD')!)).toEqual([...PRODUCTION_START]);
    expect(all('ENTRYPOINT')).toEqual([]);
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parseYaml(read('deploy/compose.yaml')) as {
    services: Record<
      string,
      {
        image?: string;
        build?: { context: string; dockerfile: string };
        healthcheck?: { test: string[] };
        depends_on?: Record<string, { condition: string }>;
        environment?: Record<string, string>;
        volumes?: string[];
      }
    >;
  };
  const [dbName, db] = Object.entries(compose.services).find(([, s]) => s.image?.startsWith('postgres:')) ?? [];
  const trellis = compose.services.trellis!;

  it('has PostgreSQL with a health check, and Trellis waits until it is healthy', () => {
    expect(db?.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(trellis.depends_on?.[dbName!]?.condition).toBe('service_healthy');
    expect(trellis.environment?.DATABASE_URL).toMatch(new RegExp(`^postgres://[^@]+@${dbName}:5432/`));
  });

  it('builds the Dockerfile, sets PUBLIC_URL and keeps data on a volume', () => {
    const { context, dockerfile } = trellis.build!;
    expect(posix.join('deploy', context, dockerfile)).toBe('deploy/Dockerfile');
    expect(trellis.environment?.PUBLIC_URL).toBeDefined();
    expect(trellis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
  });
});

describe('deploy/trellis.service', () => {
  const unit = unitFile(read('deploy/trellis.service'));
  const service = unit.Service!;
  const one = (key: string) => service[key]?.at(-1);

  it('runs node on the built entry point, unprivileged, restarted on failure, stopped by SIGTERM to node', () => {
    const [node, ...args] = one('ExecStart')!.split(/\s+/);
    expect(posix.isAbsolute(node!) && posix.basename(node!)).toBe(PRODUCTION_START[0]);
    expect(args).toEqual(PRODUCTION_START.slice(1));
    expect(one('Type')).toBe('simple');
    expect(one('KillMode')).toBe('mixed');
    expect(one('Restart')).toBe('on-failure');
    expect(one('User')).toBeDefined();
    expect(one('User')).not.toMatch(/^(root|0)$/);
  });

  it('is hardened, with only the data directory writable', () => {
    for (const [key, value] of Object.entries({
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      PrivateDevices: 'yes',
    }))
      expect(one(key), key).toBe(value);
    const data = service.Environment?.map((e) => /^TRELLIS_DATA=(\S+)$/.exec(e)?.[1]).find(Boolean);
    expect(data).toBeDefined();
    expect(one('ReadWritePaths')?.split(/\s+/)).toContain(dirname(data!));
  });

  // Where systemd is installed (not needed for CI: .ci/run does not install it).
  it.skipIf(!existsSync(SYSTEMD_ANALYZE))('passes systemd-analyze verify', () => {
    const run = spawnSync(SYSTEMD_ANALYZE, ['verify', 'deploy/trellis.service'], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('deploy/Caddyfile', () => {
  it('serves TLS for a name and passes to the port Trellis listens on, keeping /metrics inside', () => {
    const caddy = read('deploy/Caddyfile');
    expect(caddy).toMatch(/^[a-z0-9.-]+\.[a-z]+ \{$/m);
    expect(caddy).toMatch(/reverse_proxy 127\.0\.0\.1:3000/);
    expect(caddy).toMatch(/respond \/metrics 404/);
  });
});
