// A bot that signs in with a user-assigned managed identity (MicrosoftAppType=
// UserAssignedMSI) has no secret to be wrong: its tokens come from the Azure
// host (IMDS, or App Service's identity endpoint), which may not answer yet —
// the identity not yet assigned to the host, or the host not on Azure at all.
// So that is reported on /healthz and retried, never a refused start or a crash
// (nor a refusal: an identity is often assigned to the host after it starts).
import type { AppCredentials, ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Logger } from '../../log.js';
import { backoffDelay, type Backoff } from '../backoff.js';
import type { PlatformHealth } from '../platform-health.js';
import { reportError } from '../../report-error.js';

export interface ManagedIdentityDeps {
  factory: ServiceClientCredentialsFactory;
  /** The managed identity's client id (MICROSOFT_APP_ID). */
  appId: string;
  /** The audience of the bot's outgoing tokens. */
  scope: string;
  health: PlatformHealth;
  log: Logger;
  retry: Backoff;
}

const TOPIC = 'identity';

/** @azure/identity's failures: no token was got, so nothing was sent and a send may be tried again. */
const TOKEN_FAILURES = new Set(['AggregateAuthenticationError', 'CredentialUnavailableError', 'AuthenticationError', 'AuthenticationRequiredError']);
export const isTokenFailure = (err: unknown): boolean => err instanceof Error && TOKEN_FAILURES.has(err.name);

/**
 * The part of @azure/identity's answer that is about the managed identity: its
 * DefaultAzureCredential lists every credential it tried (environment, Azure CLI…),
 * and only the managed identity's line says what the operator should fix.
 */
export function tokenFailureReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split('\n').map((l) => l.trim());
  const line = lines.find((l) => l.includes('ManagedIdentityCredential')) ?? lines[0] ?? '';
  return line.replace(/^CredentialUnavailableError:\s*/, '').slice(0, 300);
}

/**
 * Asks for a token as soon as Trellis listens, then with back-off until one
 * comes. Not before listening: one attempt can take minutes (botbuilder's tries
 * times the Azure SDK's own retries on an endpoint that drops connections), and
 * Trellis serves meanwhile. /healthz says "degraded" until the first token.
 */
export function watchManagedIdentity({ factory, appId, scope, health, log, retry }: ManagedIdentityDeps): { start(): void; stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const problem = (why: string) =>
    health.report(
      'teams',
      `Microsoft Teams: no token from the managed identity ${appId} yet (${why}). Trellis keeps asking, with back-off; until it answers nothing reaches Teams (replies fail, check-ins and digests are retried from the outbox).`,
      TOPIC,
    );

  /** True once a token came; botbuilder keeps it (and renews it) for every send after. */
  const probe = async (): Promise<boolean> => {
    try {
      const credentials = (await factory.createCredentials(appId, scope, '', true)) as AppCredentials;
      await credentials.getToken();
      if (!stopped) health.clear('teams', TOPIC);
      return true;
    } catch (err) {
      const reason = tokenFailureReason(err);
      if (!stopped) {
        problem(reason);
        log.warn('Teams: the managed identity gives no token yet; retrying', { appId, reason });
      }
      return false;
    }
  };

  const loop = async () => {
    for (let n = 1; !stopped; n++) {
      if (await probe()) {
        if (n > 1) log.info('Teams: the managed identity gives tokens now', { appId });
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, backoffDelay(n, retry));
      });
    }
  };

  return {
    start() {
      problem('asking for the first one');
      loop().catch((err: unknown) => reportError(log, 'teams managed identity', err));
    },
    // An attempt under way is not waited for (it may take minutes); its answer is ignored.
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
