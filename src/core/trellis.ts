// The core's front door: a normalized command or button click in, a
// platform-neutral message out. Adapters call nothing else.
import { leave, removeMember } from './commands/leave.js';
import { closePartnership, OPEN_WHEN_CLOSED } from './commands/closing.js';
import { closedRefusal, isClosed } from './commands/closed.js';
import { parseCommand, type Command } from './grammar.js';
import { commandButton, failure, fieldErrors, info, isForm, RUN_COMMAND, RUN_IN, success, type Message, type Reply } from './message.js';
import type { Caller, ActionRequest, CommandRequest, Place, SubmitRequest } from './request.js';
import {
  joinForm,
  joinWords,
  OPEN_JOIN_FORM,
  OPEN_SETUP_FORM,
  setupForm,
  setupPlace,
  setupWords,
  SUBMIT_JOIN_FORM,
  SUBMIT_SETUP_FORM,
} from './commands/start-forms.js';
import { followUps, withDefaults, type Deps, type RequiredDeps } from './deps.js';
import { contextIn, resolveContext, type Context, type Resolved } from './context.js';
import { OPEN_COMMAND_FORM, readFormContext, SUBMIT_COMMAND_FORM, type CommandForm, type FormKey } from './command-forms.js';
import { orgAddForm, roleForm, settingsForm } from './commands/partnership-forms.js';
import { scheduleForm } from './survey/schedule-form.js';
import { remindersForm, reviewCloseForm } from './protocols/protocol-command-forms.js';
import { consoleLogger } from './logger.js';
import { PRIVACY_PATH } from './privacy.js';
import { help } from './help.js';
import { home, invite, set, setup, status } from './commands/partnership.js';
import { addOrganisation, listOrganisations, removeOrganisation, renameOrganisation } from './commands/organisations.js';
import { partnershipRoutes } from './commands/partnership-routes.js';
import { join, listMembers, setRole } from './commands/members.js';
import { addEmailMember, OPEN_OVERVIEW } from './commands/email-members.js';
import { survey } from './survey/survey-commands.js';
import { checkInRoutes } from './survey/check-in-routes.js';
import { tick } from './tick.js';
import { trends } from './trends/trends-commands.js';
import { linkCommand } from './trends/link-commands.js';
import { protocolCommand } from './protocols/protocol-commands.js';
import { protocolRoutes } from './protocols/protocol-routes.js';
import { raiseConcernForm } from './concerns/concerns.js';
import { concernRoutes } from './concerns/concern-routes.js';
import { concernsCommand } from './concerns/themes.js';
import { dashboardView, exportCsv, type DashboardView } from './trends/dashboard.js';
import { routeTable, type Lock } from './routes.js';
import type { Platform } from './model.js';
import { workspaceRemoved } from './workspace-removed.js';
import { forgetRemoval, isRemoved } from './uninstall-grace.js';
import { refreshSetupChecklists } from './commands/setup-checklist.js';
import { setupChecklistRoutes } from './commands/setup-checklist-routes.js';
import { consoleView } from './console.js';
import { conversationsOf, type Conversation } from './concerns/conversations.js';
import { markReply } from './names.js';
import { trendsRoutes } from './trends/trends-routes.js';
import { myDataCommand, myDataFile, type MyData } from './commands/my-data.js';

export interface Trellis {
  /** A typed command: a reply, or a private form to open (e.g. `protocol add`). */
  command(req: CommandRequest): Promise<Reply>;
  /** A button click: a reply, or a private form to open. */
  action(req: ActionRequest): Promise<Reply>;
  /** A private form sent back. */
  submit(req: SubmitRequest): Promise<Message>;
  /** The signed dashboard page's figures, or why the link is refused. */
  dashboard(token: string): Promise<{ ok: true; view: DashboardView } | { ok: false; status: number; message: string }>;
  /** The signed CSV export, or why the link is refused. */
  exportCsv(token: string): Promise<{ ok: true; filename: string; csv: string } | { ok: false; status: number; message: string }>;
  /** The signed `my data` file: everything Trellis holds about the person the link was made for, or why the link is refused. */
  myDataFile(token: string): Promise<{ ok: true; filename: string; data: MyData } | { ok: false; status: number; message: string }>;
  /** Everything due now (scheduled rounds, reminders, closing); the scheduler calls it every minute. */
  tick(): Promise<void>;
  /** A person's console, what `menu` shows (Slack App Home, the playground's side panel, an email member's page). */
  overview(caller: Caller): Promise<Message>;
  /** A person's private conversations (concerns they raised; as critical friend, those addressed to them), content-free. */
  conversations(caller: Caller): Promise<Conversation[]>;
  /** Resolves once every follow-up queued by earlier replies (`Deps.later`) has run. */
  settled(): Promise<void>;
  /**
   * A workspace removed Trellis (or, `userId`, one person removed it from their Teams chat): recorded, so that its
   * members are erased after the grace period; for a workspace, the coordinators of partnerships with members there are told privately, never which.
   */
  workspaceRemoved(platform: Platform, workspace: string, userId?: string): Promise<void>;
  /** Trellis added back (or used again) there within the grace period: nothing is erased. Cheap when nothing was removed (no lock). */
  workspaceRestored(platform: Platform, workspace: string, userId?: string): Promise<void>;
}

/** A command that did not parse: why, the command most likely meant (a button that runs it), and the usage. */
function refused({ error, usage, suggestion }: { error: string; usage?: string; suggestion?: string }): Message {
  const lines = [error, ...(suggestion ? [`Did you mean \`${suggestion}\`?`] : []), ...(usage ? [`Usage: \`${usage}\``] : [])];
  // Teams cuts a button's label at 40 characters: a longer command is in the text above.
  const label = suggestion && suggestion.length <= 40 ? suggestion : 'Run it';
  return failure(lines.join('\n'), suggestion ? { buttons: [commandButton(label, suggestion, 'primary')] } : {});
}

/** The commands that need no partnership resolved first (they run anywhere). */
const ANYWHERE = ['help', 'setup', 'join', 'concern', 'menu', 'my data'] as const;
type PartnershipCommand = Exclude<Command, { name: (typeof ANYWHERE)[number] }>;
const aboutOnePartnership = (cmd: Command): cmd is PartnershipCommand => !(ANYWHERE as readonly string[]).includes(cmd.name);

/** The form each argument-less command opens. */
const FORMS: Record<FormKey, CommandForm> = {
  'survey schedule': scheduleForm,
  'org add': orgAddForm,
  role: roleForm,
  set: settingsForm,
  'protocol reminders': remindersForm,
  'review close': reviewCloseForm,
};

export function createTrellis(options: RequiredDeps & Partial<Deps>): Trellis {
  const log = options.log ?? consoleLogger;
  const follow = followUps(log);
  const deps = withDefaults({ ...options, log, later: follow.later });
  // Commands read, decide, then write: run them one at a time — across every
  // instance sharing the store — so two at once (a double click, two people
  // joining together, two instances' schedules) never interleave.
  const serial = <T>(work: () => Promise<T>): Promise<T> => deps.coordination.exclusive('trellis', work);
  // Answering a check-in touches only that person's invitation and answers, so
  // people answer side by side (and their writes are made durable together).
  const personal = <T>(caller: Caller, work: () => Promise<T>): Promise<T> => deps.coordination.exclusive(`person:${caller.platform}:${caller.userId}`, work);
  // Whatever a serial command, click or form changed may complete a set-up step: the checklist catches up once the reply is out.
  const serialThenChecklist = async <T>(caller: Caller, work: () => Promise<T>): Promise<T> => {
    const reply = await serial(work);
    deps.later(() => refreshSetupChecklists(deps, caller, serial));
    return reply;
  };
  const locked = <T>(lock: Lock, caller: Caller, work: () => Promise<T>): Promise<T> =>
    lock === 'personal' ? personal(caller, work) : serialThenChecklist(caller, work);

  /** `partnershipId`: a console button's, run in that partnership rather than the one resolved from where it was clicked. */
  const run = async (req: CommandRequest, partnershipId?: string): Promise<Reply> => {
    const parsed = parseCommand(req.text);
    if (!parsed.ok) return refused(parsed);
    const cmd = parsed.command;
    switch (cmd.name) {
      case 'help':
        return help(cmd.topic, `${deps.publicUrl()}${PRIVACY_PATH}`);
      case 'setup':
        return cmd.partnershipName ? setup(deps, req, cmd.partnershipName) : setupForm(deps, req.caller, req.place);
      case 'join':
        return cmd.code ? join(deps, req, cmd.code, cmd.orgName) : joinForm();
      case 'concern':
        return raiseConcernForm(deps, req.caller);
      case 'menu':
        return consoleView(deps, req.caller, req.place.kind === 'channel');
      case 'my data':
        return myDataCommand(deps, req.caller, req.place);
    }
    const resolved = partnershipId ? await scoped(req.caller, partnershipId) : await resolveContext(deps.store, req.caller, req.place);
    if (!resolved.ok) return resolved.reply;
    return inPartnership(req, resolved.ctx, cmd);
  };

  /** A command about one partnership, typed or read back from its form. */
  const inPartnership = async (req: CommandRequest, ctx: Context, cmd: PartnershipCommand): Promise<Reply> => {
    if (isClosed(ctx.partnership) && !OPEN_WHEN_CLOSED.has(cmd.name)) return closedRefusal(ctx.partnership);
    switch (cmd.name) {
      case 'form':
        return FORMS[cmd.of].open(deps, ctx);
      case 'invite':
        return invite(ctx);
      case 'home':
        return home(deps, req, ctx);
      case 'status':
        return status(deps, ctx);
      case 'set':
        return set(deps, ctx, cmd);
      case 'org add':
        return addOrganisation(deps, ctx, cmd.orgName, cmd.sector);
      case 'org list':
        return listOrganisations(deps, ctx);
      case 'org rename':
        return renameOrganisation(deps, ctx, cmd.splits);
      case 'org remove':
        return removeOrganisation(deps, ctx, cmd.orgName);
      case 'role':
        return setRole(deps, ctx, cmd.who, cmd.role);
      case 'members':
        return listMembers(deps, ctx);
      case 'member add':
        return addEmailMember(deps, ctx, cmd.address, cmd.orgName);
      case 'member remove':
        return removeMember(deps, ctx, cmd.who, cmd.confirmed);
      case 'leave':
        return leave(deps, ctx, cmd.confirmed);
      case 'partnership close':
        return closePartnership(deps, ctx, cmd.confirmed);
      case 'concerns':
        return concernsCommand(deps, ctx, cmd);
      case 'protocol add':
      case 'protocol list':
      case 'protocol show':
      case 'protocol edit':
      case 'protocol retire':
      case 'protocol reminders':
      case 'review start':
      case 'review status':
      case 'review close':
        return protocolCommand(deps, ctx, cmd);
      case 'trends':
      case 'trends by sector':
      case 'trends settings':
        return trends(deps, ctx, cmd);
      case 'export':
      case 'dashboard':
      case 'dashboard revoke':
        return linkCommand(deps, ctx, cmd);
      default:
        return survey(deps, ctx, cmd);
    }
  };

  /**
   * A command's form sent back: read into the typed command's words, each
   * parsed by the grammar (an error shown beside its field) and only when all
   * parse, run one after another exactly as if typed.
   */
  const submitCommandForm = async (req: SubmitRequest): Promise<Message> => {
    const about = readFormContext(req.context);
    const ctx = about && (await contextIn(deps.store, req.caller, about.partnershipId));
    if (!about || !ctx) return failure("That form isn't for a partnership you are in; nothing was changed.");
    if (isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
    // Whoever may no longer open the form is refused as a whole, as when opening it; the handlers check again.
    const still = await FORMS[about.key].open(deps, ctx);
    if (!isForm(still)) return still;
    const read = await FORMS[about.key].read(deps, ctx, req.values);
    if (!Array.isArray(read)) return read;
    const errors: Record<string, string> = {};
    const commands: { field: string; cmd: Command }[] = [];
    for (const step of read) {
      for (const probe of [...(step.probes ?? []), step]) {
        const parsed = parseCommand(probe.text);
        // Words that read as another command (or as the form itself: nothing given) are refused too.
        if (!parsed.ok || parsed.command.name !== about.key) {
          errors[probe.field] = parsed.ok ? 'Fill this in.' : parsed.error;
          break;
        }
        if (probe === step) commands.push({ field: step.field, cmd: parsed.command });
      }
    }
    if (Object.keys(errors).length) return fieldErrors('Nothing was changed: see the fields marked.', errors);
    const done: string[] = [];
    for (const { field, cmd } of commands) {
      // Each sees the partnership as the one before left it.
      const now = await contextIn(deps.store, req.caller, about.partnershipId);
      if (!now || !aboutOnePartnership(cmd) || cmd.name === 'form') return failure('That form cannot be read as a command; nothing was changed.');
      const reply = await inPartnership({ caller: req.caller, place: { conversationId: '', kind: 'personal' }, text: '' }, now, cmd);
      if (isForm(reply)) return failure('That form cannot be read as a command; nothing was changed.');
      if (reply.tone === 'error') return fieldErrors([...done, reply.text].join('\n'), { [field]: reply.text });
      done.push(reply.text);
    }
    return done.length ? success(done.join('\n')) : info('Nothing was changed.');
  };

  // Built once, at start-up: an id registered twice throws here.
  const routes = routeTable([
    {
      actions: [
        { id: RUN_COMMAND, lock: 'serial', handle: (_deps, req) => run({ caller: req.caller, place: req.place, text: req.value }) },
        { id: RUN_IN, lock: 'serial', handle: (_deps, req) => runIn(req.caller, req.place, req.value) },
      ],
    },
    // A person's own console (an email member's page): reads only.
    { actions: [{ id: OPEN_OVERVIEW, lock: 'personal', handle: (_deps, req) => consoleView(deps, req.caller) }] },
    partnershipRoutes,
    {
      actions: [
        {
          id: OPEN_COMMAND_FORM,
          lock: 'serial',
          handle: async (_deps, req) => {
            const about = readFormContext(req.value);
            const ctx = about && (await contextIn(deps.store, req.caller, about.partnershipId));
            if (ctx && isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
            return about && ctx ? FORMS[about.key].open(deps, ctx) : failure("That form isn't for a partnership you are in.");
          },
        },
      ],
      forms: [{ id: SUBMIT_COMMAND_FORM, lock: 'serial', handle: (_deps, req) => submitCommandForm(req) }],
    },
    {
      actions: [
        { id: OPEN_SETUP_FORM, lock: 'serial', handle: async (_deps, req) => setupForm(deps, req.caller, req.place) },
        { id: OPEN_JOIN_FORM, lock: 'serial', handle: async () => joinForm() },
      ],
      forms: [
        { id: SUBMIT_SETUP_FORM, lock: 'serial', handle: (_deps, req) => submitStartForm(req, 'setup', setupPlace(deps, req.caller, req.context)) },
        // Joining is the same from anywhere: the place only says where the reply goes.
        { id: SUBMIT_JOIN_FORM, lock: 'serial', handle: (_deps, req) => submitStartForm(req, 'join', { conversationId: '', kind: 'personal' }) },
      ],
    },
    checkInRoutes,
    concernRoutes,
    protocolRoutes,
    setupChecklistRoutes,
    trendsRoutes,
  ]);
  const unknownButton = failure("That button isn't one Trellis knows (it may come from an older message). Type `help` to see what you can do.");

  /**
   * `setup` or `join` from its form: the words checked as typed, then run as typed
   * (`setup` where its form was opened). A refusal is shown beside the field at fault.
   */
  const submitStartForm = async (req: SubmitRequest, verb: 'setup' | 'join', place: Place | undefined): Promise<Message> => {
    if (!place) return failure('That form was opened by someone else, or has been tampered with; nothing was changed.');
    const fields = verb === 'setup' ? ['name'] : ['code', 'organisation'];
    const empty = fields.filter((f) => !req.values[f]?.trim());
    if (empty.length) return fieldErrors('Nothing was changed: see the fields marked.', Object.fromEntries(empty.map((f) => [f, 'Fill this in.'])));
    const text = verb === 'setup' ? setupWords(req.values) : joinWords(req.values);
    const parsed = parseCommand(text);
    const field = verb === 'join' && (!parsed.ok ? parsed.error : '').includes('organisation') ? 'organisation' : fields[0]!;
    if (!parsed.ok || parsed.command.name !== verb)
      return fieldErrors(parsed.ok ? 'Nothing was changed.' : parsed.error, { [field]: parsed.ok ? 'Fill this in.' : parsed.error });
    const reply = await run({ caller: req.caller, place, text });
    return isForm(reply) ? failure('That form cannot be read as a command; nothing was changed.') : reply;
  };

  /** A console button's partnership: the caller's place in it, wherever they click; refused unless they are a member. */
  const scoped = async (caller: Caller, partnershipId: string): Promise<Resolved> => {
    const ctx = await contextIn(deps.store, caller, partnershipId);
    return ctx ? { ok: true, ctx } : { ok: false, reply: NOT_IN_IT };
  };
  const NOT_IN_IT = failure('That button is for a partnership you are not in, so nothing was done. Type `menu` to see what you can do.');

  /** A console button's value: `<partnership id> <command>`. */
  const runIn = (caller: Caller, place: CommandRequest['place'], value: string): Promise<Reply> => {
    const cut = value.indexOf(' ');
    return cut > 0 ? run({ caller, place, text: value.slice(cut + 1) }, value.slice(0, cut)) : Promise.resolve(unknownButton);
  };

  return {
    command: (req) => serialThenChecklist(req.caller, async () => markReply(deps, req.caller, await run(req))),
    action: (req) => {
      const route = routes.action(req.actionId);
      return route ? locked(route.lock, req.caller, async () => markReply(deps, req.caller, await route.handle(deps, req))) : Promise.resolve(unknownButton);
    },
    submit: (req) => {
      const route = routes.form(req.actionId);
      return route
        ? locked(route.lock, req.caller, async () => markReply(deps, req.caller, await route.handle(deps, req)))
        : Promise.resolve(failure('That form is not one Trellis knows; nothing was recorded.'));
    },
    tick: () => serial(() => tick(deps)),
    settled: follow.settled,
    workspaceRemoved: (platform, workspace, userId) => serial(() => workspaceRemoved(deps, platform, workspace, userId)),
    workspaceRestored: async (platform, workspace, userId) => {
      if (await isRemoved(deps, platform, workspace, userId)) await serial(() => forgetRemoval(deps, platform, workspace, userId));
    },
    dashboard: (token) => dashboardView(deps, token),
    exportCsv: (token) => exportCsv(deps, token),
    myDataFile: (token) => myDataFile(deps, token),
    overview: (caller) => consoleView(deps, caller),
    conversations: async (caller) => conversationsOf(deps, await deps.store.membershipsOf(caller)),
  };
}
