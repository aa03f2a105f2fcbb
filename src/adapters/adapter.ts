// What every adapter receives, and what it gives back to the server.
import type { Express } from 'express';
import type { Trellis } from '../core/trellis.js';
import type { Clock } from '../core/ports/clock.js';
import type { ConversationReferences } from '../core/ports/conversation-references.js';
import type { Logger } from '../log.js';
import type { Backoff } from './backoff.js';
import type { MessengerHub } from '../delivery/platform-messenger.js';
import type { PlatformHealth } from './platform-health.js';
import type { DeliveryClaims } from './delivery-claims.js';
import type { Mailbox } from '../email/mailbox.js';

export interface AdapterDeps {
  app: Express;
  trellis: Trellis;
  /** Adapters use the store only to keep conversation references for proactive messages. */
  store: ConversationReferences;
  clock: Clock;
  log: Logger;
  /** Each adapter registers how to message its users privately. */
  messengers: MessengerHub;
  /** Where an adapter says its platform cannot be reached (or refuses it): /healthz reports it. */
  health: PlatformHealth;
  /** How long to wait at most between attempts to reach a platform that does not answer. */
  retry: Backoff;
  /** Claims each incoming request once, so that a retry or a replay acts once. */
  claims: DeliveryClaims;
  /** Playground mode with no SMTP_URL: where emails land, for the playground to show. */
  mailbox?: Mailbox;
}

export interface MountedAdapter {
  name: 'slack' | 'teams' | 'playground';
  /**
   * Before Trellis serves: checks the credentials with the platform. Throws a
   * TrellisError (start-up stops) only when the platform refuses them; a
   * platform that cannot be reached is reported on /healthz and retried.
   */
  verify?(): Promise<void>;
  /** The one workspace (or tenant) this adapter serves, when it serves one and knows it after `verify`: people recorded before workspaces are adopted by it. */
  workspace?(): string | undefined;
  /** Socket Mode and similar connections start after the HTTP server listens. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Resolves once work the adapter deferred (Slack's App Home refreshes) is done. */
  idle?(): Promise<void>;
}
