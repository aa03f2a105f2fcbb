// Slack retries an event it thinks went unanswered (X-Slack-Retry-Num), and
// behind a load balancer the retry can reach another instance; a captured
// request can also be replayed within the signature's 5 minutes. Each event
// and each interaction is claimed once in the shared store, so only the first
// delivery acts.
import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Store } from '../../core/ports.js';
import type { Logger } from '../../log.js';
import { reportError } from '../../report-error.js';

/** Longer than Slack's retry schedule (about 5 minutes) and the signature window. */
export const DEDUPE_TTL_MS = 10 * 60_000;

type Kind = 'event' | 'trigger';

/**
 * The delivery's identity: an event by its event_id; a click, shortcut or slash
 * command by its trigger_id and a digest of the payload. Slack mints a trigger_id
 * per interaction, so a real duplicate (a replay, a proxy's resend) is the same
 * bytes; the digest keeps two different requests that share a trigger_id (only
 * ever in fixtures) from swallowing each other.
 */
export function dedupeKey(body: unknown): { kind: Kind; key: string } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { event_id?: unknown; trigger_id?: unknown; type?: unknown };
  if (typeof b.event_id === 'string' && b.event_id) return { kind: 'event', key: `slack:event:${b.event_id}` };
  // A modal submit's ack is its answer (thanks, or errors beside fields): an empty
  // ack would close the modal on the person. Slack never retries a submit; a
  // double submit is left to the handlers (an answer set replaces, it is tested).
  if (b.type === 'view_submission') return undefined;
  if (typeof b.trigger_id === 'string' && b.trigger_id) {
    const digest = createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 16);
    return { kind: 'trigger', key: `slack:trigger:${b.trigger_id}:${digest}` };
  }
  return undefined;
}

export function dedupeDeliveries(deps: { store: Store; log: Logger }): Middleware<AnyMiddlewareArgs> {
  const { store, log } = deps;
  return async (args) => {
    const id = dedupeKey(args.body);
    if (!id) return void (await args.next());
    let first: boolean;
    try {
      first = await store.claimOnce(id.key, DEDUPE_TTL_MS);
    } catch (err) {
      // A store outage must not silence the bot: risk acting twice rather than never.
      reportError(log, 'slack dedupe', err);
      return void (await args.next());
    }
    if (first) return void (await args.next());
    // Events are acknowledged before middleware runs; everything else still waits for an ack.
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as () => Promise<void>) : undefined;
    await ack?.();
    // The kind only: ids here (event, trigger) lead back to people.
    log.debug('slack: duplicate delivery ignored', { kind: id.kind, ...(typeof args.context.retryNum === 'number' ? { retryNum: args.context.retryNum } : {}) });
  };
}
