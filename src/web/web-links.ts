// GET and POST /w/<token>: the pages behind the personal links emailed to
// people on neither platform. A GET never changes anything — mail scanners
// and link previews open every link in an email — so it only shows: the
// private form a button opens (the core opens forms without writing), or a
// button that POSTs. Only a POST carrying the per-form token of a form
// rendered for this link acts, once, and it goes to the core exactly as a
// chat click or modal submit does, as that person.
import { randomBytes } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Button, Form, Message, Reply } from '../core/message.js';
import { isForm, OPEN_LINK } from '../core/message.js';
import type { Clock } from '../core/ports/clock.js';
import type { Caller, Place } from '../core/request.js';
import type { Trellis } from '../core/trellis.js';
import type { Logger } from '../log.js';
import { reportError, SORRY } from '../report-error.js';
import { TOKENS_CSS } from './design-tokens.js';
import { checkFormToken, formToken, LINK_DAYS, type LinkPerson, type LinkTarget, signWebLink, verifyWebLink, type WebLink } from './link-token.js';
import { securityHeaders } from './security-headers.js';
import { confirmHtml, formHtml, leftHtml, messageHtml, type PostOf, refusalHtml, type Values, webPage } from './web-page.js';

export const WEB_LINK_PATH = '/w';

/** No script; the page's own inline styles and /tokens.css; forms post only back here. */
export const WEB_LINK_HEADERS = securityHeaders({ 'style-src': "'self' 'unsafe-inline'", 'form-action': "'self'" });

/** The form fields this page adds; the rest of a POST are the core form's values. */
const NONCE = '_nonce';
const CSRF = '_csrf';
const KIND = '_kind';
const SUBMIT = '_submit';
const CONTEXT = '_context';
const REOPEN = '_reopen';
const OWN = new Set([NONCE, CSRF, KIND, SUBMIT, CONTEXT, REOPEN]);
const MAX_VALUES = 50;

export interface WebLinkDeps {
  trellis: Pick<Trellis, 'action' | 'submit'>;
  secret: string;
  clock: Clock;
  log: Logger;
  /** Where links point (PUBLIC_URL). */
  baseUrl: () => string;
  /** Claims a form's nonce once (the store's claims, shared by every instance): a replayed POST acts never. */
  claimOnce: (identity: string, ttlMs: number) => Promise<boolean>;
  /** The person's name as Trellis knows it, or undefined when they are in no partnership (any more). */
  displayNameOf: (person: LinkPerson) => Promise<string | undefined>;
  /** Also serve /tokens.css (the playground serves it itself). */
  serveTokens: boolean;
}

/** Makes the personal links a message's buttons lead to, for one person. */
export function linkMaker(secret: string, baseUrl: () => string, clock: Clock) {
  return (person: LinkPerson, button: Button): string => {
    if (button.url && button.actionId === OPEN_LINK) return button.url;
    const target: LinkTarget = { actionId: button.actionId, value: button.value, opensForm: !!(button.opensForm || button.readOnly), label: button.label };
    const longest = clock.now().getTime() + LINK_DAYS * 86_400_000;
    const until = button.until ? Math.min(Date.parse(button.until), longest) : longest;
    const token = signWebLink(secret, { person, target, expires: new Date(Number.isNaN(until) ? longest : until) });
    return `${baseUrl()}${WEB_LINK_PATH}/${token}`;
  };
}

export function mountWebLinks(app: Express, deps: WebLinkDeps): void {
  const { trellis, secret, clock, log } = deps;
  const makeLink = linkMaker(secret, deps.baseUrl, clock);
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set(WEB_LINK_HEADERS);
    next();
  });
  const send = (res: Response, status: number, title: string, body: string) => void res.status(status).type('html').send(webPage(title, body));
  const refuse = (res: Response, status: number, message: string) => send(res, status, 'Link refused', refusalHtml(status, message));

  /** The link checked, and the person it acts as, or a refusal already sent. */
  const open = async (token: string, res: Response): Promise<{ link: WebLink; caller: Caller } | undefined> => {
    const checked = verifyWebLink(secret, token, clock.now());
    if (!checked.ok) return void refuse(res, checked.status, checked.message);
    const { person } = checked.link;
    const displayName = await deps.displayNameOf(person);
    // Left or removed: gone, and told so plainly (whatever the link was for, it acts on nothing now).
    if (displayName === undefined) return void send(res, 410, 'You have left', leftHtml());
    return { link: checked.link, caller: { ...person, displayName } as Caller };
  };
  const place = (caller: Caller): Place => ({ conversationId: `web:${caller.userId}`, kind: 'personal' });
  const here = (token: string) => `${WEB_LINK_PATH}/${token}`;
  const newNonce = () => randomBytes(16).toString('base64url');

  const formPage = (res: Response, token: string, form: Form, status = 200, values?: Values, problem?: Message) => {
    const nonce = newNonce();
    const submits = formSubmits(form.submitActionId, form.context, [form.reopen.actionId, form.reopen.value]);
    const hidden = {
      [KIND]: 'form',
      [SUBMIT]: form.submitActionId,
      [CONTEXT]: form.context,
      [REOPEN]: JSON.stringify([form.reopen.actionId, form.reopen.value]),
      [NONCE]: nonce,
      [CSRF]: formToken(secret, token, nonce, submits),
    };
    send(res, status, form.title, formHtml(form, here(token), hidden, values, problem));
  };
  /** A form that POSTs a button to its own link, as the confirmation page of that link would (a `confirms` button: its question is already on the page). */
  const postTo =
    (caller: Caller): PostOf =>
    (b) => {
      const link = makeLink(caller, b);
      const linkToken = link.slice(link.lastIndexOf('/') + 1);
      const nonce = newNonce();
      return { action: here(linkToken), hidden: { [KIND]: 'action', [NONCE]: nonce, [CSRF]: formToken(secret, linkToken, nonce, 'action') } };
    };
  const replyPage = (res: Response, token: string, caller: Caller, reply: Reply, failedStatus: number) => {
    if (isForm(reply)) return formPage(res, token, reply.form);
    const status = reply.tone === 'error' ? failedStatus : 200;
    send(
      res,
      status,
      reply.title ?? 'Trellis',
      messageHtml(reply, (b) => makeLink(caller, b), undefined, postTo(caller)),
    );
  };

  router.get('/:token', async (req, res) => {
    const token = req.params.token as string;
    const opened = await open(token, res);
    if (!opened) return;
    const { link, caller } = opened;
    if (link.target.opensForm) {
      // The core opens forms (and overviews) without writing anything: safe to show on a GET.
      const reply = await trellis.action({ caller, place: place(caller), actionId: link.target.actionId, value: link.target.value });
      // A refusal here means the link no longer opens anything (a check-in that has closed).
      return replyPage(res, token, caller, reply, 410);
    }
    const nonce = newNonce();
    send(
      res,
      200,
      link.target.label,
      confirmHtml(link.target.label, here(token), { [KIND]: 'action', [NONCE]: nonce, [CSRF]: formToken(secret, token, nonce, 'action') }),
    );
  });

  router.post('/:token', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: MAX_VALUES + OWN.size }), async (req, res) => {
    const token = req.params.token as string;
    const opened = await open(token, res);
    if (!opened) return;
    const { link, caller } = opened;
    const body = (req.body ?? {}) as Record<string, string | string[]>;
    const one = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const kind = one(KIND);
    const nonce = one(NONCE);
    const submits = kind === 'form' ? formSubmits(one(SUBMIT), one(CONTEXT), reopenOf(one(REOPEN))) : kind === 'action' ? 'action' : undefined;
    if (!submits || !nonce || !checkFormToken(secret, token, nonce, submits, one(CSRF)))
      return refuse(res, 403, 'This form did not come from the page Trellis showed you, so nothing was recorded. Open the link from your email again.');
    // Once only: a second POST of the same form (a replay, a double click, the back button) records nothing.
    if (!(await deps.claimOnce(`web-form\u0000${nonce}`, Math.max(60_000, link.expires.getTime() - clock.now().getTime()))))
      return refuse(res, 409, 'This form was already sent, so nothing more was recorded. Open the link from your email again to see where things stand.');

    if (kind === 'action') {
      const reply = await trellis.action({ caller, place: place(caller), actionId: link.target.actionId, value: link.target.value });
      return replyPage(res, token, caller, reply, 409);
    }
    const values: Values = {};
    for (const [name, value] of Object.entries(body)) {
      if (OWN.has(name)) continue;
      // Several checkboxes of one multichoice arrive as several values: the core reads them joined with commas.
      values[name] = Array.isArray(value) ? value.join(',') : String(value);
    }
    const reply = await trellis.submit({ caller, actionId: one(SUBMIT), context: one(CONTEXT), values });
    if (reply.fieldErrors && Object.keys(reply.fieldErrors).length) {
      // Shown again, as sent, with each error beside its field: the form comes from the core's reopen button.
      const [actionId, value] = reopenOf(one(REOPEN)) ?? [];
      const again = actionId !== undefined ? await trellis.action({ caller, place: place(caller), actionId, value: value ?? '' }) : undefined;
      if (again && isForm(again)) return formPage(res, token, again.form, 422, values, reply);
    }
    replyPage(res, token, caller, reply, 409);
  });
  router.get('/', (_req, res) => refuse(res, 404, 'This link is incomplete. Open the whole link from your email.'));
  // Failures end here, never as a stack trace and never with the token (it is in the URL) in the log.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.set(WEB_LINK_HEADERS);
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500)
      return refuse(res, status === 413 ? 413 : 400, 'That request could not be read; nothing was recorded. Open the link from your email again.');
    reportError(log, 'web link', new Error((err as Error)?.name ?? 'error'));
    if (res.headersSent) return void res.end();
    send(res, 500, 'Sorry', refusalHtml(500, SORRY));
  });
  app.use(WEB_LINK_PATH, router);
  if (deps.serveTokens) app.get('/tokens.css', (_req, res) => void res.set(WEB_LINK_HEADERS).type('text/css').send(TOKENS_CSS));
}

/** What a rendered form's token vouches for: the action it submits to, its context and the button that reopens it. */
const formSubmits = (submit: string, context: string, reopen: [string, string] | undefined) => JSON.stringify(['form', submit, context, reopen ?? null]);

function reopenOf(raw: string): [string, string] | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : undefined;
  } catch {
    return undefined;
  }
}
