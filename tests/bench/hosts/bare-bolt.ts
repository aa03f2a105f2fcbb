// Child: a bare Bolt app — the same Express app, router, ExpressReceiver,
// signing secret and logger setup as Trellis's Slack adapter — whose
// view_submission handler only calls ack(). The floor for the ack benchmark.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { App, ExpressReceiver } from '@slack/bolt';
import { boltLogger } from '../../../src/adapters/slack/bolt-logger.js';
import { rejectStaleRequests } from '../../../src/adapters/slack/fresh-requests.js';
import { FORM_CALLBACK_ID } from '../../../src/adapters/slack/render-modal.js';
import { SLACK_EVENTS_PATH } from '../../../src/adapters/slack/slack-adapter.js';
import { createLogger } from '../../../src/log.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../../helpers/slack-requests.js';
import { childInput, failChild, KEEP_ALIVE_MS, serveParent, toParent } from '../lib/child.js';

async function main() {
  const { apiUrl } = childInput<{ apiUrl: string }>();
  const log = createLogger({ level: 'info', secrets: [SIGNING_SECRET, BOT_TOKEN], write: () => undefined });
  const logger = boltLogger(log);
  const app = express();
  app.disable('x-powered-by');
  const router = express.Router();
  router.post(SLACK_EVENTS_PATH, rejectStaleRequests);
  const receiver = new ExpressReceiver({ signingSecret: SIGNING_SECRET, app, router, endpoints: SLACK_EVENTS_PATH, logger });
  const bolt = new App({
    token: BOT_TOKEN,
    receiver,
    logger,
    clientOptions: { slackApiUrl: apiUrl, retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 } },
  });
  let submissions = 0;
  bolt.view({ callback_id: FORM_CALLBACK_ID, type: 'view_submission' }, async ({ ack }) => {
    submissions++;
    await ack();
  });
  const server = createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, resolve));
  serveParent({ stats: async () => ({ connections, submissions }) }, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  await toParent({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

main().catch(failChild);
