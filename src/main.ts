// `npm start`: read configuration, open the store, serve. Every way out —
// a signal, a refused start, a fatal error — closes the store, which releases
// the data file's lock (and file-lock.ts releases it at exit should anything
// slip past). No handler here swallows an unhandled rejection: that stays a crash.
import { loadConfig, secretsIn } from './config.js';
import { systemClock } from './core/ports/clock.js';
import { TrellisError } from './core/errors.js';
import { createLogger, withComponent } from './log.js';
import { reportError } from './report-error.js';
import { resolveSecret } from './secret.js';
import { openStore } from './store/open-store.js';
import { startServer, type RunningServer } from './server.js';

async function main() {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, format: config.logFormat, secrets: secretsIn(config) });
  const secret = resolveSecret(config, log);
  const { store, kind } = await openStore(config, secret, withComponent(log, 'store'));
  if (config.teams && !config.teams.authenticated) {
    log.warn(
      '!!! TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts unauthenticated requests from anyone on this machine (Trellis listens on 127.0.0.1 only). Use this only for local testing. !!!',
    );
  }
  let running: RunningServer;
  try {
    running = await startServer({ config, store, storeKind: kind, clock: systemClock, log, secret });
  } catch (err) {
    await store.close().catch((e: unknown) => reportError(log, 'closing the store', e));
    throw err;
  }
  if (config.playground) log.info(`Playground: open ${running.url}/ in a browser (no Slack or Teams settings found).`);
  // The first SIGTERM, SIGINT or SIGHUP stops Trellis; any later one (systemd
  // or `docker stop` signalling the whole process group, an impatient Ctrl-C)
  // is noted and ignored, so it cannot cut the drain and the last write short.
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    log.info('Stopping', { signal });
    try {
      await running.close();
    } finally {
      await store.close();
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return log.info('Already stopping', { signal });
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        reportError(log, 'stopping', err);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof TrellisError ? err.message : `Trellis failed to start: ${String(err)}`}\n`);
  process.exit(1);
});
