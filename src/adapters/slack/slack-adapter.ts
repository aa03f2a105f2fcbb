// Slack over Bolt: HTTP at POST /slack/events (events, the slash command and
// interactivity on one URL) or Socket Mode when an app token is given. One
// workspace with SLACK_BOT_TOKEN, or many with Bolt's OAuth (SLACK_CLIENT_ID…),
// where every call for a person or channel uses its own workspace's token.
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
import { botTokens, clientsByToken } from './bot-tokens.js';
import { answerNotInstalled } from './not-installed.js';
import { oauthOptions } from './oauth-options.js';
import { registerUninstall } from './uninstall.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export function mountSlack(deps: AdapterDeps, config: SlackConfig): MountedAdapter {
  const logger = boltLogger(deps.log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Someone is waiting on every call we make: fail in seconds, not Bolt's default half hour.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  };
  const tokens = botTokens(config, deps.installations);

  let bolt: App;
  let socket: SocketLink | undefined;
  let connection: SlackConnection | undefined;
  if (config.oauth) {
    // Many workspaces: Bolt's OAuth serves /slack/install and /slack/oauth_redirect, keeps each
    // workspace's installation through the store, and finds the token for every request there.
    const router = express.Router();
    const installed = async (workspace: string) => (await tokens(workspace)) !== undefined;
    router.post(
      SLACK_EVENTS_PATH,
      rejectStaleRequests,
      takeTurns(),
      ...wellFormedRequests(config.signingSecret, deps.log),
      answerNotInstalled(installed, deps.baseUrl, deps.log),
    );
    const receiver = new ExpressReceiver({
      signingSecret: config.signingSecret,
      app: deps.app,
      router,
      endpoints: SLACK_EVENTS_PATH,
      logger,
      ...oauthOptions(config.oauth, config.apiUrl, deps),
    });
    bolt = new App({ receiver, clientOptions, logger });
    registerUninstall(bolt, deps);
  } else if (config.appToken) {
    socket = socketLink({
      appToken: config.appToken,
      ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}),
      logger,
      log: deps.log,
      health: deps.health,
      retry: deps.retry,
    });
    connection = singleConnection();
    bolt = new App({ ...single(connection), receiver: socket.receiver });
  } else {
    const router = express.Router();
    router.post(SLACK_EVENTS_PATH, rejectStaleRequests, takeTurns(), ...wellFormedRequests(config.signingSecret, deps.log));
    const receiver = new ExpressReceiver({ signingSecret: config.signingSecret, app: deps.app, router, endpoints: SLACK_EVENTS_PATH, logger });
    connection = singleConnection();
    bolt = new App({ ...single(connection), receiver });
  }
  // App Home refreshes have their own clients (one per workspace's token): a 429 comes back to the refresher,
  // which waits it out for views.publish alone, instead of Bolt's client pausing every call behind it.
  const homeClients = clientsByToken({ ...clientOptions, logger, rejectRateLimitedCalls: true, timeout: 10_000 });
  const homes = new HomeRefresher(async (key) => {
    const person = fromPersonKey(key);
    const token = await tokens(person.workspace);
    // Removed from that workspace since: nothing to publish with.
    if (token) await publishHome(deps.trellis, homeClients(token), person);
  }, deps.log);
  registerListeners(bolt, deps, homes);
  // Bolt's own client has no token (Bolt gets it from `authorize` per request): the messenger finds each workspace's.
  deps.messengers.register(
    'slack',
    watchedDeliveries(deps.health, 'slack', slackMessenger(tokens, config.apiUrl, deps.log, { postsPerSecond: config.postsPerSecond })),
  );

  /** One workspace: SLACK_BOT_TOKEN, checked by us rather than by Bolt (see slack-connection.ts). */
  function singleConnection(): SlackConnection {
    const probeClient = new webApi.WebClient(config.botToken, {
      ...clientOptions,
      logger,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    });
    return new SlackConnection(probeClient, deps.health, deps.log, deps.retry);
  }
  // `authorize` instead of `token` keeps Bolt from calling auth.test itself.
  function single(c: SlackConnection) {
    const authorize = async () => {
      const { botId, botUserId } = await c.bot();
      return { botToken: config.botToken, botId, botUserId };
    };
    return { authorize, clientOptions, logger };
  }

  return {
    name: 'slack',
    // One workspace: its token is checked before Trellis serves. Many: each installation was checked by Slack as it was made.
    verify: async () => connection?.verify(),
    // Only one workspace adopts the people recorded before workspaces: with many, none can be told apart.
    workspace: () => connection?.workspace(),
    ...(socket ? { start: async () => socket.start() } : {}),
    stop: async () => {
      await connection?.stop();
      await homes.stop();
      await socket?.stop();
    },
    idle: () => homes.idle(),
  };
}
