// A signed request whose body is not one Slack sends must get a 4xx and change
// nothing; Bolt would throw on many of them (a null payload, an event without
// its event, a click without its user) and answer 500. So the body is checked
// here, once its signature is known good, before Bolt reads it; an unsigned
// request passes untouched, for Bolt to refuse with 401. Kinds Slack may send
// and Trellis has no use for get the empty 200 Slack expects.
import { parse as parseQuery } from 'node:querystring';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { FORM_CALLBACK_ID } from './render-modal.js';

/** Bolt's own limit for a request body. */
const BODY_LIMIT = '4mb';

const id = z.string().min(1);
const user = z.object({ id }).passthrough();

// Each shape names only what Bolt and Trellis's listeners read without checking.
// An event's user and channel are ids, or objects with an id (user_change, channel_created): Bolt reads either.
const idOrObject = z.union([id, z.object({ id }).passthrough()]).optional();
const eventCallback = z
  .object({
    type: z.literal('event_callback'),
    event_id: id,
    team_id: z.string().optional(),
    api_app_id: z.string().optional(),
    event: z.object({ type: id, user: idOrObject, channel: idOrObject }).passthrough(),
  })
  .passthrough();
const urlVerification = z.object({ type: z.literal('url_verification'), challenge: z.string() }).passthrough();
const slashCommand = z
  .object({ command: id, user_id: id, channel_id: id, text: z.string().optional(), trigger_id: z.string().optional(), response_url: z.string().optional() })
  .passthrough();
const action = z.object({ type: z.string(), action_id: z.string() }).passthrough();
// Where Bolt's respond() posts: it takes any truthy response_url, and the first of response_urls.
const replies = { response_url: z.string().optional(), response_urls: z.array(z.object({ response_url: z.string() }).passthrough()).optional() };
const blockActions = z
  .object({
    type: z.literal('block_actions'),
    user,
    trigger_id: id,
    actions: z.array(action).min(1),
    channel: z.object({ id }).passthrough().optional(),
    view: z.object({ type: z.string().optional() }).passthrough().nullish(),
    ...replies,
  })
  .passthrough();
const viewSubmission = z
  .object({
    type: z.literal('view_submission'),
    user,
    trigger_id: id,
    view: z
      .object({
        id,
        callback_id: z.string(),
        hash: z.string().optional(),
        state: z
          .object({ values: z.record(z.unknown()) })
          .passthrough()
          .optional(),
      })
      .passthrough(),
    ...replies,
  })
  .passthrough();

export type Verdict = 'pass' | 'ignore' | 'malformed';

/** Where a signed, well-formed body is left (parsed) for the middleware after this one (`res.locals`). */
export const SIGNED_BODY = 'slackSignedBody';

/** What to do with a signed body, already parsed as Bolt parses it. */
export function judge(body: unknown, form: boolean): Verdict {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'malformed';
  const type = (body as { type?: unknown }).type;
  if (form && !('type' in body) && 'command' in body) return slashCommand.safeParse(body).success ? 'pass' : 'malformed';
  if (typeof type !== 'string' || type === '') return 'malformed';
  switch (type) {
    case 'event_callback':
      return eventCallback.safeParse(body).success ? 'pass' : 'malformed';
    case 'url_verification':
      return urlVerification.safeParse(body).success ? 'pass' : 'malformed';
    case 'block_actions':
      return blockActions.safeParse(body).success ? 'pass' : 'malformed';
    case 'view_submission': {
      const parsed = viewSubmission.safeParse(body);
      if (!parsed.success) return 'malformed';
      // Another app's modal, or one Trellis never opened: nothing to record, and the empty ack closes it.
      return parsed.data.view.callback_id === FORM_CALLBACK_ID ? 'pass' : 'ignore';
    }
    default:
      // view_closed, shortcuts, app_rate_limited…: Slack may send them; Trellis listens to none.
      return 'ignore';
  }
}

/** Exactly as Bolt parses a body (ExpressReceiver's parseRequestBody), but never throwing. */
function parse(text: string, form: boolean): unknown {
  try {
    if (!form) return JSON.parse(text) as unknown;
    const fields = parseQuery(text);
    return typeof fields.payload === 'string' ? (JSON.parse(fields.payload) as unknown) : { ...fields };
  } catch {
    return undefined;
  }
}

export function wellFormedRequests(signingSecret: string, log: Logger) {
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT });
  const check = (req: Request, res: Response, next: NextFunction): void => {
    const bytes: unknown = req.body;
    const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : '';
    // Bolt reads the body again from here (it looks for `rawBody` before the stream).
    Object.assign(req, { rawBody: Buffer.isBuffer(bytes) ? bytes : Buffer.alloc(0) });
    // Slack's signature (the timestamp's freshness is checked before this runs); Bolt checks it again and answers 401 to what fails.
    const expected = Buffer.from(
      `v0=${createHmac('sha256', signingSecret)
        .update(`v0:${req.get('x-slack-request-timestamp') ?? ''}:${text}`)
        .digest('hex')}`,
    );
    const given = Buffer.from(req.get('x-slack-signature') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void next();
    // The exact comparison Bolt makes: anything else it parses as JSON.
    const form = req.get('content-type') === 'application/x-www-form-urlencoded';
    const body = parse(text, form);
    const verdict = judge(body, form);
    if (verdict === 'pass') {
      res.locals[SIGNED_BODY] = body;
      return void next();
    }
    // The kind only: a body may hold ids that lead to people.
    log.debug('slack: request not passed on', { verdict });
    if (verdict === 'ignore') return void res.status(200).send();
    res.status(400).json({ error: 'The request body is not one Slack sends.' });
  };
  // A body too large or unreadable is refused here, never as a stack trace.
  const refuse = (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') return void res.status(413).json({ error: 'The request is too large.' });
    if (typeof type === 'string') return void res.status(400).json({ error: 'The request body could not be read.' });
    next(err);
  };
  return [raw, refuse, check] as const;
}
