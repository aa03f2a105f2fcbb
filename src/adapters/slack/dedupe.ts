// Slack retries an event it thinks went unanswered (X-Slack-Retry-Num), and
// behind a load balancer the retry can reach another instance; a captured
// request can also be replayed while its signature is accepted (5 minutes
// either side of its timestamp). Each event and each interaction is claimed
// once in the shared, durable store, so only the first delivery acts.
// Modal submissions are claimed by their form (slack-forms.ts): a replay must
// still answer the modal.
import { createHash } from 'node:crypto';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AdapterDeps } from '../adapter.js';

/** Longer than Slack's retry schedule (about 5 minutes) and the 10 minutes a signature is accepted in, with room for clocks. */
export const DEDUPE_TTL_MS = 15 * 60_000;

type Kind = 'event' | 'trigger' | 'request';

export const digestOf = (x: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(x) ?? '')
    .digest('base64url');

/**
 * The delivery's identity: an event by its event_id (a retry is re-signed, the
 * id stays); a click or slash command by its whole payload. Slack mints a
 * trigger_id per interaction, so a real duplicate (a replay, a proxy's resend)
 * is the same bytes, and two requests that differ are never taken for one.
 */
export function dedupeKey(body: unknown): { kind: Kind; identity: string } | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as { event_id?: unknown; trigger_id?: unknown; type?: unknown };
  if (typeof b.event_id === 'string' && b.event_id) return { kind: 'event', identity: `slack:event:${b.event_id}` };
  if (b.type === 'view_submission') return undefined;
  return { kind: typeof b.trigger_id === 'string' ? 'trigger' : 'request', identity: `slack:request:${digestOf(body)}` };
}

export function dedupeDeliveries({ claims, log }: Pick<AdapterDeps, 'claims' | 'log'>): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const id = dedupeKey(args.body);
    if (!id || (await claims.first('slack', id.identity, DEDUPE_TTL_MS))) return void (await args.next());
    // Events are acknowledged before middleware runs; everything else still waits for an ack.
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as () => Promise<void>) : undefined;
    await ack?.();
    // The kind only: ids here (event, trigger) lead back to people.
    log.debug('slack: duplicate delivery ignored', {
      kind: id.kind,
      ...(typeof args.context.retryNum === 'number' ? { retryNum: args.context.retryNum } : {}),
    });
  };
}
