// The core's front door: a normalized command or button click in, a
// platform-neutral message out. Adapters call nothing else.
import { parseCommand } from './grammar.js';
import { failure, RUN_COMMAND, RUN_IN, type Message, type Reply } from './message.js';
import type { Caller, ActionRequest, CommandRequest, SubmitRequest } from './request.js';
import { followUps, withDefaults, type Deps, type RequiredDeps } from './deps.js';
import { contextIn, resolveContext, type Resolved } from './context.js';
import { consoleLogger } from './logger.js';
import { help } from './help.js';
import { home, invite, set, setup, status } from './commands/partnership.js';
import { addOrganisation, listOrganisations } from './commands/organisations.js';
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
import { consoleView } from './console.js';
import { conversationsOf, type Conversation } from './concerns/conversations.js';

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
  /** Everything due now (scheduled rounds, reminders, closing); the scheduler calls it every minute. */
  tick(): Promise<void>;
  /** A person's console, what `menu` shows (Slack App Home, the playground's side panel, an email member's page). */
  overview(caller: Caller): Promise<Message>;
  /** A person's private conversations (concerns they raised; as critical friend, those addressed to them), content-free. */
  conversations(caller: Caller): Promise<Conversation[]>;
  /** Resolves once every follow-up queued by earlier replies (`Deps.later`) has run. */
  settled(): Promise<void>;
  /** A workspace (or tenant) removed Trellis: the coordinators of partnerships with members there are told privately, never which. */
  workspaceRemoved(platform: Platform, workspace: string): Promise<void>;
}

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
  const locked = <T>(lock: Lock, caller: Caller, work: () => Promise<T>): Promise<T> => (lock === 'personal' ? personal(caller, work) : serial(work));

  /** `partnershipId`: a console button's, run in that partnership rather than the one resolved from where it was clicked. */
  const run = async (req: CommandRequest, partnershipId?: string): Promise<Reply> => {
    const parsed = parseCommand(req.text);
    if (!parsed.ok) return failure(parsed.usage ? `${parsed.error}\nUsage: \`${parsed.usage}\`` : parsed.error);
    const cmd = parsed.command;
    switch (cmd.name) {
      case 'help':
        return help(cmd.topic);
      case 'setup':
        return setup(deps, req, cmd.partnershipName);
      case 'join':
        return join(deps, req, cmd.code, cmd.orgName);
      case 'concern':
        return raiseConcernForm(deps, req.caller);
      case 'menu':
        return consoleView(deps, req.caller, req.place.kind === 'channel');
    }
    const resolved = partnershipId ? await scoped(req.caller, partnershipId) : await resolveContext(deps.store, req.caller, req.place);
    if (!resolved.ok) return resolved.reply;
    const { ctx } = resolved;
    switch (cmd.name) {
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
      case 'role':
        return setRole(deps, ctx, cmd.who, cmd.role);
      case 'members':
        return listMembers(deps, ctx);
      case 'member add':
        return addEmailMember(deps, ctx, cmd.address, cmd.orgName);
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
    checkInRoutes,
    concernRoutes,
    protocolRoutes,
  ]);
  const unknownButton = failure("That button isn't one Trellis knows (it may come from an older message). Type `help` to see what you can do.");

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
    command: (req) => serial(() => run(req)),
    action: (req) => {
      const route = routes.action(req.actionId);
      return route ? locked(route.lock, req.caller, () => route.handle(deps, req)) : Promise.resolve(unknownButton);
    },
    submit: (req) => {
      const route = routes.form(req.actionId);
      return route
        ? locked(route.lock, req.caller, () => route.handle(deps, req))
        : Promise.resolve(failure('That form is not one Trellis knows; nothing was recorded.'));
    },
    tick: () => serial(() => tick(deps)),
    settled: follow.settled,
    workspaceRemoved: (platform, workspace) => serial(() => workspaceRemoved(deps, platform, workspace)),
    dashboard: (token) => dashboardView(deps, token),
    exportCsv: (token) => exportCsv(deps, token),
    overview: (caller) => consoleView(deps, caller),
    conversations: async (caller) => conversationsOf(deps, await deps.store.membershipsOf(caller)),
  };
}
