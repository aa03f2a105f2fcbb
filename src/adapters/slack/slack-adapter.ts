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
import { registerListeners } from './slack-listeners.js';
import { slackMessenger } from './slack-messenger.js';
import { wellFormedRequests } from './well-formed-requests.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export function mountSlack(deps: AdapterDeps, config: SlackConfig): MountedAdapter {
  const logger = boltLogger(deps.log);
  const clientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    // Someone is waiting on every call we make: fail in seconds, not Bolt's default half hour.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  };
  const common = { token: config.botToken, clientOptions, logger };

  let bolt: App;
  if (config.appToken) {
    bolt = new App({ ...common, appToken: config.appToken, socketMode: true, signingSecret: config.signingSecret });
  } else {
    const router = express.Router();
    router.post(SLACK_EVENTS_PATH, rejectStaleRequests, takeTurns(), ...wellFormedRequests(config.signingSecret, deps.log));
    const receiver = new ExpressReceiver({ signingSecret: config.signingSecret, app: deps.app, router, endpoints: SLACK_EVENTS_PATH, logger });
    bolt = new App({ ...common, receiver });
  }
  // App Home refreshes have their own client: a 429 comes back to the refresher, which waits it out
  // for views.publish alone, instead of Bolt's client pausing every call behind it.
  const homeClient = new webApi.WebClient(config.botToken, { ...clientOptions, logger, rejectRateLimitedCalls: true, timeout: 10_000 });
  const homes = new HomeRefresher((userId) => publishHome(deps.trellis, homeClient, userId), deps.log);
  registerListeners(bolt, deps, homes);
  deps.messengers.register('slack', slackMessenger(bolt.client, deps.log, { postsPerSecond: config.postsPerSecond }));

  return {
    name: 'slack',
    ...(config.appToken ? { start: async () => void (await bolt.start()) } : {}),
    stop: async () => {
      await homes.stop();
      if (config.appToken) await bolt.stop();
    },
    idle: () => homes.idle(),
  };
}
