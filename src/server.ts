// One HTTP server serves every adapter, the health check and the playground.
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Config } from './config.js';
import { shiftable, type Clock } from './core/ports/clock.js';
import { createTrellis } from './core/trellis.js';
import { type Logger, withComponent } from './log.js';
import { requestIds } from './request-id.js';
import type { MountedAdapter } from './adapters/adapter.js';
import { MessengerHub } from './delivery/platform-messenger.js';
import { PlatformHealth } from './adapters/platform-health.js';
import { deliveryClaims } from './adapters/delivery-claims.js';
import { sealedInstallations } from './adapters/sealed-installations.js';
import { startScheduler } from './scheduler.js';
import type { StoreKind } from './store/open-store.js';
import type { Store } from './store/store.js';
import { Dispatcher, KEEP_FINISHED_DAYS } from './delivery/dispatcher.js';
import { OutboxMessenger } from './delivery/outbox-messenger.js';
import { outboxDeliveryStatus } from './delivery/delivery-status.js';
import { mountDashboard } from './web/dashboard-routes.js';
import { adoptLegacyWorkspace, sealWhatEarlierVersionsLeftPlain } from './core/upgrades.js';
import { mountLegalPages } from './web/legal-pages.js';
import { LOOPBACK_ADDRESS, loopbackHostsOnly } from './web/local-only.js';
import { linkMaker, mountWebLinks } from './web/web-links.js';
import type { LinkPerson } from './web/link-token.js';
import { Mailbox } from './email/mailbox.js';
import { type MailSender, smtpSender } from './email/mail-sender.js';
import { emailMessenger } from './email/email-messenger.js';
import { openContact } from './core/email-identity.js';
import { overviewButton } from './core/commands/email-members.js';
import { inFlightRequests } from './in-flight.js';
import { Metrics, mountMetrics } from './metrics.js';

/** How long a stop waits for requests in flight: inside `docker stop`'s 10 s and systemd's 90 s. */
const CLOSE_GRACE_MS = 5_000;

export interface ServerDeps {
  config: Config;
  store: Store;
  storeKind: StoreKind;
  clock: Clock;
  log: Logger;
  secret: string;
  /** Off in tests, which call `tick` themselves with a fake clock. */
  schedule?: boolean;
}

export interface RunningServer {
  url: string;
  server: Server;
  /** Runs everything due now, as the scheduler does each minute, and delivers what that queued. */
  tick(): Promise<void>;
  /** Waits for the core's follow-ups, delivers every queued message that is due and waits until each is settled, and for the adapters' deferred work (App Home refreshes). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(
  { config, store, storeKind, clock: baseClock, log, secret, schedule = true }: ServerDeps,
  port = config.port,
): Promise<RunningServer> {
  // The playground's demo sets this clock back while it writes its history through the core (everything else runs on it too, so nothing sees two times).
  const demoClock = config.playground ? shiftable(baseClock) : undefined;
  const clock = demoClock ?? baseClock;
  // Before serving: what an earlier version stored in the clear is sealed (once; a no-op after).
  const sealed = await sealWhatEarlierVersionsLeftPlain(store, secret, clock.now());
  if (sealed.concerns + sealed.answerSets > 0) log.info('Sealed what an earlier version stored in the clear', sealed);
  const app = express();
  app.disable('x-powered-by');
  const inFlight = inFlightRequests();
  app.use(inFlight.middleware);
  const metrics = new Metrics(store, storeKind);
  app.use(metrics.middleware);
  app.use(requestIds(withComponent(log, 'http')));
  const messengers = new MessengerHub();
  const dispatcher = new Dispatcher({ store, hub: messengers, secret, log: withComponent(log, 'delivery'), metrics });
  let url = `http://localhost:${config.port}`;
  const publicUrl = () => config.publicUrl ?? url;
  const trellis = createTrellis({
    store,
    coordination: store,
    deliveryStatus: outboxDeliveryStatus(store, messengers),
    clock,
    secret,
    log: withComponent(log, 'core'),
    messenger: new OutboxMessenger(store, messengers, secret, dispatcher.wake),
    publicUrl,
    concernDelayMaxSeconds: config.concernDelayMaxSeconds,
    concernsPerDay: config.concernsPerDay,
    uninstallGraceDays: config.uninstallGraceDays,
  });
  const health = new PlatformHealth();
  const claims = deliveryClaims(store, secret, log);
  // Email for people on neither platform: SMTP when configured; in the playground without it, an in-memory mailbox it shows.
  const mailbox = !config.mail.smtpUrl && config.playground ? new Mailbox(clock) : undefined;
  const sender: MailSender | undefined = config.mail.smtpUrl ? smtpSender(config.mail.smtpUrl, config.mail.from) : mailbox;
  const linkOf = linkMaker(secret, publicUrl, clock);
  const memberFor = async (person: LinkPerson) => (await store.membershipsOf(person))[0];
  if (sender) {
    const addressOf = async (person: LinkPerson) => {
      const sealed = (await store.membershipsOf(person)).find((m) => m.contact)?.contact;
      return sealed ? openContact(secret, sealed) : undefined;
    };
    messengers.register('email', emailMessenger({ sender, perSecond: config.mail.perSecond, addressOf, linkOf, home: overviewButton() }));
  }
  const deps = {
    app,
    trellis,
    store,
    clock,
    log,
    messengers,
    health,
    retry: { maxMs: config.platformRetryMaxMs },
    claims,
    ...(mailbox ? { mailbox } : {}),
    installations: sealedInstallations(store, secret, clock),
    baseUrl: publicUrl,
  };
  const adapters: MountedAdapter[] = [];

  // Before every route: a local-only server answers nothing addressed to another name (DNS rebinding).
  // Slack's requests are signed, so they may come through a tunnel, which sends its own name.
  if (config.localOnly) {
    const local = loopbackHostsOnly();
    app.use((req, res, next) => (req.path.startsWith('/slack/') && config.slack ? next() : local(req, res, next)));
  }
  // `problems` only when degraded: a healthy answer keeps the shape it always had.
  app.get('/healthz', (_req, res) => {
    const problems = health.problems();
    res.json({
      status: problems.length ? 'degraded' : 'ok',
      adapters: adapters.map((a) => a.name),
      store: storeKind,
      ...(problems.length ? { problems } : {}),
    });
  });
  mountMetrics(app, metrics, config.metricsToken);
  mountDashboard(app, trellis, withComponent(log, 'web'));
  mountLegalPages(app, {
    store: storeKind,
    slack: Boolean(config.slack),
    teams: Boolean(config.teams),
    playground: config.playground,
    email: Boolean(config.mail.smtpUrl),
    concernDelayMaxSeconds: config.concernDelayMaxSeconds,
    concernsPerDay: config.concernsPerDay,
    outboxKeepDays: KEEP_FINISHED_DAYS,
    uninstallGraceDays: config.uninstallGraceDays,
  });
  mountWebLinks(app, {
    trellis,
    secret,
    clock,
    log: withComponent(log, 'web'),
    baseUrl: publicUrl,
    claimOnce: (identity, ttlMs) => claims.first('web link', identity, ttlMs),
    displayNameOf: async (person) => (await memberFor(person))?.displayName,
    serveTokens: !config.playground,
  });
  // Loaded only when configured: a Slack-only install never loads the Bot Framework, nor a Teams-only one Bolt.
  if (config.slack) adapters.push((await import('./adapters/slack/slack-adapter.js')).mountSlack({ ...deps, log: withComponent(log, 'slack') }, config.slack));
  if (config.teams) adapters.push((await import('./adapters/teams/teams-adapter.js')).mountTeams({ ...deps, log: withComponent(log, 'teams') }, config.teams));
  if (demoClock)
    adapters.push(
      await (await import('./adapters/playground/playground-adapter.js')).mountPlayground(
        { ...deps, log: withComponent(log, 'playground') },
        {
          dataFile: config.dataFile,
          concernDelayMaxSeconds: config.concernDelayMaxSeconds,
          demoClock,
        },
      ),
    );
  const server = createHttpServer(app);
  try {
    // Before listening: a refused token stops start-up here, before Trellis says it is listening.
    for (const a of adapters) await a.verify?.();
    for (const a of adapters) {
      const workspace = a.workspace?.();
      if (!workspace) continue;
      const adopted = await adoptLegacyWorkspace(store, a.name, workspace);
      if (adopted.members + adopted.homes > 0) log.info('Gave people and homes from before workspaces their workspace', { platform: a.name, ...adopted });
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (config.localOnly) server.listen(port, LOOPBACK_ADDRESS, resolve);
      else server.listen(port, resolve);
    });
  } catch (err) {
    // Whatever the adapters began (retries, refreshers) must not keep a refused start alive.
    for (const a of adapters) await a.stop?.();
    throw err;
  }
  for (const a of adapters) await a.start?.();
  dispatcher.start();
  const scheduler = schedule
    ? startScheduler(() => metrics.tick(() => trellis.tick()), { log: withComponent(log, 'scheduler'), store, expression: config.tickCron })
    : undefined;
  url = `http://localhost:${(server.address() as AddressInfo).port}`;
  log.info('Trellis is listening', { url, adapters: adapters.map((a) => a.name), store: storeKind });
  const drain = async () => {
    await trellis.settled();
    await dispatcher.drain();
    await Promise.all(adapters.map((a) => a.idle?.()));
  };

  return {
    url,
    server,
    tick: async () => {
      await metrics.tick(() => trellis.tick());
      await drain();
    },
    drain,
    // No new requests; those in flight finish (what they write is acknowledged) before the rest stops.
    close: async () => {
      await scheduler?.stop();
      inFlight.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await inFlight.settled(CLOSE_GRACE_MS);
      server.closeAllConnections();
      await closed;
      await trellis.settled();
      await dispatcher.stop();
      for (const a of adapters) await a.stop?.();
      sender?.close();
    },
  };
}
