// Microsoft Teams over teams-ai: Bot Framework activities at POST /api/messages.
import express from 'express';
import { Application } from '@microsoft/teams-ai';
import type { AdapterDeps, MountedAdapter } from '../adapter.js';
import type { TeamsConfig } from '../../config.js';
import { failure } from '../../core/message.js';
import { reportError, SORRY } from '../../report-error.js';
import { takeTurns } from '../take-turns.js';
import { consoleToLog } from '../../console-to-log.js';
import { createBotAdapter, mayBeBotToken, outgoingScope } from './bot-adapter.js';
import { watchManagedIdentity } from './managed-identity.js';
import { renderReply } from './render-card.js';
import { isLoopbackUrl } from '../../web/local-only.js';
import { registerRoutes } from './teams-routes.js';
import { registerTaskRoutes } from './task-routes.js';
import { createTeamsMessenger } from './teams-messenger.js';
import { watchedDeliveries } from '../platform-health.js';
import { oncePerActivity } from './once-per-activity.js';
import { activityShape } from './well-formed-activity.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';
export const NOT_LOCAL_SERVICE =
  'TEAMS_ALLOW_UNAUTHENTICATED=true accepts only activities whose serviceUrl is on this machine (localhost, 127.0.0.1 or [::1]); nothing was sent.';

export function mountTeams(deps: AdapterDeps, config: TeamsConfig): MountedAdapter {
  const { log } = deps;
  const adapter = createBotAdapter(config);
  const app = new Application({
    adapter,
    ...(config.appId ? { botAppId: config.appId } : {}),
    // The adapter strips and translates mentions itself (command-text.ts).
    removeRecipientMention: false,
    // The typing timer is one per Application, shared by concurrent turns; our replies are quick.
    startTypingTimer: false,
    longRunningMessages: false,
  });
  registerRoutes(app, deps);
  registerTaskRoutes(app, deps);
  // Check-ins and reminders reach people in their personal chat with the bot.
  deps.messengers.register(
    'teams',
    watchedDeliveries(deps.health, 'teams', createTeamsMessenger({ adapter, appId: config.appId ?? '', store: deps.store, log })),
  );
  app.error(async (context, err) => {
    reportError(log, 'teams turn', err);
    await context.sendActivity(renderReply(failure(SORRY))).catch((e: unknown) => reportError(log, 'teams error reply', e));
  });

  const router = express.Router();
  router.post(
    '/',
    (req, res, next) => {
      if (!config.authenticated || mayBeBotToken(req.get('authorization'))) return next();
      res.status(401).end();
    },
    takeTurns(),
    express.json({ limit: '256kb' }),
    async (req, res) => {
      if (!activityShape.safeParse(req.body).success) return void res.status(400).json({ error: 'The request body is not a Bot Framework activity.' });
      // Unauthenticated, nothing vouches for the activity, and replies go to its serviceUrl: only this machine's.
      if (!config.authenticated && !isLoopbackUrl((req.body as { serviceUrl?: unknown }).serviceUrl))
        return void res.status(403).json({ error: NOT_LOCAL_SERVICE });
      try {
        // botbuilder's console output about a token is detail under the verdict logged here.
        const checked = await consoleToLog(
          log,
          'botbuilder',
          () => adapter.authenticate(req.body as Record<string, unknown>, req.get('authorization') ?? ''),
          'debug',
        );
        // Refused: nothing in the body (botbuilder's reason is for the log, not for whoever sent it).
        if ('refused' in checked) {
          log.warn(checked.unavailable ? 'Teams request not checked: the signing keys could not be fetched' : 'Teams request refused: not authenticated', {
            reason: checked.refused,
          });
          return void res.status(checked.unavailable ? 503 : 401).end();
        }
        const invoke = await consoleToLog(log, 'botbuilder', () =>
          adapter.run(
            checked.activity,
            checked.authenticated,
            oncePerActivity(deps, async (context) => void (await app.run(context))),
          ),
        );
        res.status(invoke?.status ?? 200);
        if (invoke?.body) res.send(invoke.body);
        else res.end();
      } catch (err) {
        reportError(log, 'teams request', err);
        if (!res.headersSent) res.status(500).json({ error: SORRY });
      }
    },
  );
  // Malformed JSON and oversized bodies end here, never as a stack trace.
  router.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') return void res.status(400).json({ error: 'The request body is not valid JSON.' });
    if (type === 'entity.too.large') return void res.status(413).json({ error: 'The request is too large.' });
    reportError(log, 'teams request', err);
    res.status(500).json({ error: SORRY });
  });
  deps.app.use(TEAMS_MESSAGES_PATH, router);
  // People recorded before tenants whose stored chat names none most likely came from the registration's own tenant (other tenants may use it too).
  const tenant = config.appType === 'SingleTenant' ? config.tenantId : undefined;
  const mounted = { name: 'teams' as const, ...(tenant ? { workspace: () => tenant } : {}) };
  if (config.appType !== 'UserAssignedMSI' || !config.appId) return mounted;
  // Nothing to refuse at start-up (no secret); a host that gives no token yet is reported and retried.
  const identity = watchManagedIdentity({
    factory: adapter.credentialsFactory,
    appId: config.appId,
    scope: outgoingScope(config),
    health: deps.health,
    log,
    retry: deps.retry,
  });
  return { ...mounted, start: async () => identity.start(), stop: async () => identity.stop() };
}
