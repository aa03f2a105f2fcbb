// The local web playground: a third adapter over the same core, for trying
// Trellis without Slack or Teams. Only mounted when neither is configured,
// because anyone who can reach it can act as any persona.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { z } from 'zod';
import type { AdapterDeps, MountedAdapter } from '../adapter.js';
import type { Caller } from '../../core/request.js';
import type { ShiftableClock } from '../../core/ports/clock.js';
import { reportError, SORRY } from '../../report-error.js';
import { isForm, MAX_FORM_CONTEXT, type Message } from '../../core/message.js';
import { MAX_NAME_LENGTH, PRIVATE_COMMANDS } from '../../core/grammar.js';
import { chartOf } from './playground-chart.js';
import { PlaygroundInbox } from './playground-inbox.js';
import { securityHeaders } from '../../web/security-headers.js';
import { TOKENS_CSS } from '../../web/design-tokens.js';
import { mountMailbox } from './playground-mailbox.js';
import { WEB_LINK_HEADERS } from '../../web/web-links.js';
import type { AnswerBody, ErrorBody, InboxBody, OverviewBody, PersonBody, PersonasBody, ReplyBody, RoomBody } from './playground-api.js';
import { callerOf, placeOf, PlaygroundPersonas, ROOM } from './playground-personas.js';
import { loadDemo } from './playground-demo.js';
import { SUBMIT_NEW_CONCERN } from '../../core/concerns/concern-forms.js';

export interface PlaygroundOptions {
  /** The people added on the page and the inbox are kept beside it. */
  dataFile: string;
  /** The page says whether concerns reach the critical friend at once. */
  concernDelayMaxSeconds: number;
  /** The demo sets it back while it writes its history. */
  demoClock: ShiftableClock;
}

const where = z.enum(['channel', 'personal']).default('channel');
export const MAX_FORM_VALUES = 50;
const formValues = z
  .record(z.string().min(1).max(100), z.string().max(2000))
  .refine((v) => Object.keys(v).length <= MAX_FORM_VALUES, { message: `at most ${MAX_FORM_VALUES} values` });
/** A new person: checked again by the personas (name) and by the core (`join`: code and organisation). */
const personBody = z.object({
  name: z.string().max(200),
  organisation: z.string().trim().min(1, 'name their organisation, or write independent').max(MAX_NAME_LENGTH),
  code: z.string().trim().min(1, 'give the invite code (type `invite` as a member to see it)').max(40),
});

/** The dashboard's headers; the page runs its own script and reads its own JSON, nothing else. */
const PLAYGROUND_HEADERS = securityHeaders({ 'script-src': "'self'", 'style-src': "'self' 'unsafe-inline'", 'img-src': 'data:', 'connect-src': "'self'" });
const secure: express.RequestHandler = (_req, res, next) => {
  res.set(PLAYGROUND_HEADERS);
  next();
};

/** The mailbox page is a server-rendered page like those its links open, with their headers. */
const webSecure: express.RequestHandler = (_req, res, next) => {
  res.set(WEB_LINK_HEADERS);
  next();
};

export async function mountPlayground(
  { app, trellis, log, clock, messengers, mailbox }: AdapterDeps,
  { dataFile, concernDelayMaxSeconds, demoClock }: PlaygroundOptions,
): Promise<MountedAdapter> {
  const onError = (err: unknown) => reportError(log, 'playground file', err);
  // Check-ins, reminders and alerts for a persona, and digests for the room, wait here until the page polls for them.
  const inbox = new PlaygroundInbox(clock, { dataFile, onError });
  const inboxProblem = await inbox.load();
  if (inboxProblem) log.warn('The playground starts with empty conversations', { problem: inboxProblem });
  messengers.register('playground', inbox);
  const opened = await PlaygroundPersonas.open(dataFile, onError);
  const personas = opened.personas;
  if (opened.problem) log.warn('The playground offers only its built-in people', { problem: opened.problem });

  // Validated against the people there are now: added people count as soon as they are kept.
  const persona = z.string().refine((id) => personas.byId(id) !== undefined, { message: 'unknown persona' });
  const commandBody = z.object({ persona, text: z.string().max(2000), where });
  const actionBody = z.object({ persona, actionId: z.string().min(1).max(100), value: z.string().max(2000), where });
  const submitBody = z.object({ persona, actionId: z.string().min(1).max(100), context: z.string().max(MAX_FORM_CONTEXT), values: formValues });
  const callerFor = (id: string): Caller => callerOf(personas.byId(id)!);
  // Adding people and loading the demo change who there is: one at a time.
  let changing: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> => {
    const run = changing.then(work, work);
    changing = run.catch(() => undefined);
    return run;
  };

  const router = express.Router();
  router.use(secure, express.json({ limit: '16kb' }));
  const choosePersona = () =>
    `Choose a persona: ?persona=${personas
      .all()
      .map((p) => p.id)
      .join('|')}`;

  router.get('/personas', (_req, res) => {
    res.json({ personas: personas.all(), room: ROOM.label, privateCommands: PRIVATE_COMMANDS, concernDelayMaxSeconds } satisfies PersonasBody);
  });
  // A new person joins the partnership through the core's `join`, as anyone would: kept only once it has let them in.
  router.post('/people', async (req, res) => {
    const parsed = personBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: describe(parsed.error) } satisfies ErrorBody);
    const { name, organisation, code } = parsed.data;
    const answer = await oneAtATime(async (): Promise<PersonBody | ErrorBody> => {
      const checked = personas.checkName(name);
      if (!checked.ok) return { error: checked.error };
      const draft = personas.draft(checked.name, organisation);
      const reply = await trellis.command({
        caller: callerOf({ ...draft, hint: '' }),
        place: placeOf(draft.id, 'personal'),
        text: `join ${code} ${organisation}`,
      });
      if (isForm(reply) || reply.tone === 'error') return { error: isForm(reply) ? 'Trellis did not let them join.' : reply.text };
      const person = personas.keep(draft);
      await personas.flushed();
      return { persona: person, reply };
    });
    res.status('error' in answer ? 400 : 200).json(answer);
  });
  router.post('/demo', async (_req, res) => {
    let reply: Message;
    try {
      reply = await oneAtATime(() => loadDemo({ trellis, clock: demoClock, personas }));
    } catch (err) {
      // Each step is a real command: what it made before the failure stays, as it would after typing them.
      reportError(log, 'playground demo', err);
      const why = err instanceof Error ? err.message : String(err);
      return void res.status(500).json({ error: `The demo stopped part-way (${why}); what it made so far is kept.` } satisfies ErrorBody);
    } finally {
      await personas.flushed();
    }
    res.status(reply.tone === 'error' ? 409 : 200).json(reply.tone === 'error' ? ({ error: reply.text } satisfies ErrorBody) : ({ reply } satisfies ReplyBody));
  });
  router.get('/overview', async (req, res) => {
    const parsed = persona.safeParse(req.query.persona);
    if (!parsed.success) return void res.status(400).json({ error: choosePersona() } satisfies ErrorBody);
    res.json({ overview: await trellis.overview(callerFor(parsed.data)) } satisfies OverviewBody);
  });
  router.get('/inbox', async (req, res) => {
    const parsed = persona.safeParse(req.query.persona);
    if (!parsed.success) return void res.status(400).json({ error: choosePersona() } satisfies ErrorBody);
    const caller = callerFor(parsed.data);
    // The concerns they can open, for the side panel: the core's content-free list.
    res.json({ messages: inbox.list(caller.userId), conversations: await trellis.conversations(caller) } satisfies InboxBody);
  });
  // The shared room's posts (digests): everyone in the room sees them, so no persona is needed.
  router.get('/room', (_req, res) => {
    res.json({ room: ROOM.label, messages: inbox.room(ROOM.conversationId) } satisfies RoomBody);
  });
  router.post('/command', async (req, res) => {
    const parsed = commandBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: describe(parsed.error) } satisfies ErrorBody);
    const { persona: id, text, where: w } = parsed.data;
    const reply = await trellis.command({ caller: callerFor(id), place: placeOf(id, w), text });
    // `protocol add` and the like open a private form: the page shows it as a dialog, as for a button.
    res.json((isForm(reply) ? { form: reply.form } : { reply, ...chartOf(reply) }) satisfies AnswerBody);
  });
  router.post('/action', async (req, res) => {
    const parsed = actionBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: describe(parsed.error) } satisfies ErrorBody);
    const { persona: id, actionId, value, where: w } = parsed.data;
    const reply = await trellis.action({ caller: callerFor(id), place: placeOf(id, w), actionId, value });
    // A private form goes to the page as it is: the page opens it as a dialog.
    res.json((isForm(reply) ? { form: reply.form } : { reply, ...chartOf(reply) }) satisfies AnswerBody);
  });
  router.post('/submit', async (req, res) => {
    const parsed = submitBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: describe(parsed.error) } satisfies ErrorBody);
    const { persona: id, actionId, context, values } = parsed.data;
    const reply = await trellis.submit({ caller: callerFor(id), actionId, context, values });
    // With no delay a new concern is due now: delivered at once, not at the scheduler's next minute.
    if (actionId === SUBMIT_NEW_CONCERN && concernDelayMaxSeconds === 0 && reply.tone === 'success') await trellis.tick();
    res.json({ reply, ...chartOf(reply) } satisfies ReplyBody);
  });
  // Malformed JSON and unexpected failures end here, never as a stack trace.
  router.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if ((err as { type?: string }).type === 'entity.parse.failed') return void res.status(400).json({ error: 'The request body is not valid JSON.' });
    if ((err as { type?: string }).type === 'entity.too.large') return void res.status(413).json({ error: 'The request is too large.' });
    reportError(log, 'playground request', err);
    res.status(500).json({ error: SORRY });
  });

  app.use('/playground', router);
  // With no SMTP_URL, what Trellis emails lands in memory and is shown here.
  if (mailbox) mountMailbox(app, mailbox, webSecure);
  // The design tokens the dashboard inlines, as a stylesheet the page loads before its own.
  app.get('/tokens.css', secure, (_req, res) => void res.type('text/css').send(TOKENS_CSS));
  app.use('/', secure, express.static(fileURLToPath(new URL('./public', import.meta.url)), { index: 'index.html' }));
  return {
    name: 'playground',
    // What arrived last reaches the files before the server stops (and before a test reads them).
    idle: async () => {
      await inbox.flushed();
      await personas.flushed();
    },
    stop: async () => {
      await inbox.flushed();
      await personas.flushed();
    },
  };
}

const describe = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
