// Slack over Bolt: HTTP at POST /slack/events (events, the slash command and
// interactivity on one URL) or Socket Mode when an app token is given.
import express from 'express';
import { App, ExpressReceiver, webApi } from '@slack/bolt';
import type { AdapterDeps, MountedAdapter } from '../adapter.js';
import type { SlackConfig } from '../../config.js';
import { takeTurns } from '../take-turns.js';
import { HomeRefresher, publishHome } from './app-home.js';
import { boltLogger } from './bolt-logger.js';
import { rejectStaleRequests } from './fresh-requests.js';
import { SlackConnection } from './slack-connection.js';
import { socketLink, type SocketLink } from './socket-mode.js';
import { registerListeners } from './slack-listeners.js';
import { slackMessenger } from './slack-messenger.js';
import { watchedDeliveries } from '../platform-health.js';
import { wellFormedRequests } from './well-formed-requests.js';
import { fromPersonKey } from './slack-person.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export function mountSlack(deps: AdapterDeps, config: SlackConfig): MountedAdapter {
  const logger = boltLogger(deps.log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Someone is waiting on every call we make: fail in seconds, not Bolt's default half hour.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  };
  // Checked by us, not by Bolt (see slack-connection.ts): `authorize` instead of `token` keeps Bolt from calling auth.test itself.
  const probeClient = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    logger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  const connection = new SlackConnection(probeClient, deps.health, deps.log, deps.retry);
  const authorize = async () => {
    const { botId, botUserId } = await connection.bot();
    return { botToken: config.botToken, botId, botUserId };
  };
  const common = { authorize, clientOptions, logger };

  let bolt: App;
  let socket: SocketLink | undefined;
  if (config.appToken) {
    socket = socketLink({
      appToken: config.appToken,
      ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
      logger,
      log: deps.log,
      health: deps.health,
      retry: deps.retry,
    });
    bolt = new App({ ...common, receiver: socket.receiver });
  } else {
    const router = express.Router();
    router.post(SLACK_EVENTS_PATH, rejectStaleRequests, takeTurns(), ...wellFormedRequests(config.signingSecret, deps.log));
    const receiver = new ExpressReceiver({ signingSecret: config.signingSecret, app: deps.app, router, endpoints: SLACK_EVENTS_PATH, logger });
    bolt = new App({ ...common, receiver });
  }
  // App Home refreshes have their own client: a 429 comes back to the refresher, which waits it out
  // for views.publish alone, instead of Bolt's client pausing every call behind it.
  const homeClient = new webApi.WebClient(config.botToken, { ...clientOptions, logger, rejectRateLimitedCalls: true, timeout: 10_000 });
  const homes = new HomeRefresher((key) => publishHome(deps.trellis, homeClient, fromPersonKey(key)), deps.log);
  registerListeners(bolt, deps, homes);
  // Bolt's own client has no token (Bolt gets it from `authorize` per request): the messenger is given it.
  deps.messengers.register(
    'slack',
    watchedDeliveries(
      deps.health,
      'slack',
      slackMessenger(new webApi.WebClient(config.botToken, clientOptions), deps.log, { postsPerSecond: config.postsPerSecond }),
    ),
  );

  return {
    name: 'slack',
    verify: () => connection.verify(),
    workspace: () => connection.workspace(),
    ...(socket ? { start: async () => socket.start() } : {}),
    stop: async () => {
      await connection.stop();
      await homes.stop();
      await socket?.stop();
    },
    idle: () => homes.idle(),
  };
}
