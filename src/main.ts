// `npm start`: read configuration, open the store, serve.
import { loadConfig } from './config.js';
import { systemClock } from './core/ports.js';
import { TrellisError } from './core/errors.js';
import { createLogger } from './log.js';
import { resolveSecret } from './secret.js';
import { openStore } from './store/open-store.js';
import { startServer } from './server.js';

/** A database password must not reach the logs either. */
const passwordIn = (url: string | undefined) => (url ? decodeURIComponent(new URL(url).password) || undefined : undefined);

async function main() {
  const config = loadConfig();
  const log = createLogger({
    level: config.logLevel,
    secrets: [config.secret, config.slack?.signingSecret, config.slack?.botToken, config.slack?.appToken, config.teams?.appPassword, passwordIn(config.databaseUrl)],
  });
  const secret = resolveSecret(config, log);
  const { store, kind } = await openStore(config, secret);
  if (config.teams && !config.teams.authenticated) {
    log.warn('!!! TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts unauthenticated requests from anyone on this machine (Trellis listens on 127.0.0.1 only). Use this only for local testing. !!!');
  }
  const running = await startServer({ config, store, storeKind: kind, clock: systemClock, log, secret });
  if (config.playground) log.info(`Playground: open ${running.url}/ in a browser (no Slack or Teams settings found).`);
  const stop = async () => {
    await running.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof TrellisError ? err.message : `Trellis failed to start: ${String(err)}`}\n`);
  process.exit(1);
});
