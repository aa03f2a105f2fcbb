// The local web playground: a third adapter over the same core, for trying
// Trellis without Slack or Teams. Only mounted when neither is configured,
// because anyone who can reach it can act as any persona.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { z } from 'zod';
import type { AdapterDeps, MountedAdapter } from '../adapter.js';
import type { Caller, Place } from '../../core/request.js';
import { reportError, SORRY } from '../../report-error.js';
import { isForm } from '../../core/message.js';
import { PRIVATE_COMMANDS } from '../../core/grammar.js';
import { chartOf } from './playground-chart.js';
import { PlaygroundInbox } from './playground-inbox.js';
import { securityHeaders } from '../../web/security-headers.js';
import { TOKENS_CSS } from '../../web/design-tokens.js';
import { mountMailbox } from './playground-mailbox.js';
import { WEB_LINK_HEADERS } from '../../web/web-links.js';
import type { AnswerBody, ErrorBody, InboxBody, OverviewBody, PersonasBody, ReplyBody, RoomBody } from './playground-api.js';

export const PERSONAS = [
  { id: 'alex', name: 'Alex Morgan', hint: 'Partnership coordinator at the City Council' },
  { id: 'sam', name: 'Sam Patel', hint: 'Service manager at the Health Trust' },
  { id: 'dana', name: 'Dana Brooks', hint: 'Adviser at the Employment Service' },
  { id: 'jo', name: 'Jo Williams', hint: 'Project worker at a voluntary organisation' },
  { id: 'priya', name: 'Priya Shah', hint: "Volunteer with a residents' community group" },
  { id: 'chris', name: 'Chris Evans', hint: 'Independent critical friend' },
] as const;

const ROOM = { conversationId: 'playground-room', kind: 'channel', label: '#partnership-room' } as const satisfies Place;

const persona = z.enum(PERSONAS.map((p) => p.id) as [string, ...string[]], { message: 'unknown persona' });
const where = z.enum(['channel', 'personal']).default('channel');
const commandBody = z.object({ persona, text: z.string().max(2000), where });
const actionBody = z.object({ persona, actionId: z.string().min(1).max(100), value: z.string().max(2000), where });
export const MAX_FORM_VALUES = 50;
const submitBody = z.object({
  persona,
  actionId: z.string().min(1).max(100),
  context: z.string().max(200),
  values: z
    .record(z.string().min(1).max(100), z.string().max(2000))
    .refine((v) => Object.keys(v).length <= MAX_FORM_VALUES, { message: `at most ${MAX_FORM_VALUES} values` }),
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

const callerOf = (id: string): Caller => ({
  platform: 'playground',
  workspace: 'playground',
  userId: `pg-${id}`,
  displayName: PERSONAS.find((p) => p.id === id)!.name,
});
const placeOf = (id: string, w: 'channel' | 'personal'): Place => (w === 'channel' ? ROOM : { conversationId: `pg-dm-${id}`, kind: 'personal' });

export function mountPlayground({ app, trellis, log, clock, messengers, mailbox }: AdapterDeps): MountedAdapter {
  // Check-ins, reminders and alerts for a persona, and digests for the room, wait here until the page polls for them.
  const inbox = new PlaygroundInbox(clock);
  messengers.register('playground', inbox);

  const router = express.Router();
  router.use(secure, express.json({ limit: '16kb' }));
  const choosePersona = `Choose a persona: ?persona=${PERSONAS.map((p) => p.id).join('|')}`;

  router.get('/personas', (_req, res) => {
    res.json({ personas: PERSONAS, room: ROOM.label, privateCommands: PRIVATE_COMMANDS } satisfies PersonasBody);
  });
  router.get('/overview', async (req, res) => {
    const parsed = persona.safeParse(req.query.persona);
    if (!parsed.success) return void res.status(400).json({ error: choosePersona } satisfies ErrorBody);
    res.json({ overview: await trellis.overview(callerOf(parsed.data)) } satisfies OverviewBody);
  });
  router.get('/inbox', async (req, res) => {
    const parsed = persona.safeParse(req.query.persona);
    if (!parsed.success) return void res.status(400).json({ error: choosePersona } satisfies ErrorBody);
    const caller = callerOf(parsed.data);
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
    const reply = await trellis.command({ caller: callerOf(id), place: placeOf(id, w), text });
    // `protocol add` and the like open a private form: the page shows it as a dialog, as for a button.
    res.json((isForm(reply) ? { form: reply.form } : { reply, ...chartOf(reply) }) satisfies AnswerBody);
  });
  router.post('/action', async (req, res) => {
    const parsed = actionBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: describe(parsed.error) } satisfies ErrorBody);
    const { persona: id, actionId, value, where: w } = parsed.data;
    const reply = await trellis.action({ caller: callerOf(id), place: placeOf(id, w), actionId, value });
    // A private form goes to the page as it is: the page opens it as a dialog.
    res.json((isForm(reply) ? { form: reply.form } : { reply, ...chartOf(reply) }) satisfies AnswerBody);
  });
  router.post('/submit', async (req, res) => {
    const parsed = submitBody.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: describe(parsed.error) } satisfies ErrorBody);
    const { persona: id, actionId, context, values } = parsed.data;
    const reply = await trellis.submit({ caller: callerOf(id), actionId, context, values });
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
  return { name: 'playground' };
}

const describe = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
