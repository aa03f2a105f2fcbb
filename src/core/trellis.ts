// The core's front door: a normalized command or button click in, a
// platform-neutral message out. Adapters call nothing else.
import { parseCommand } from './grammar.js';
import { failure, info, RUN_COMMAND, type Message, type Reply } from './message.js';
import type { Caller, ActionRequest, CommandRequest, SubmitRequest } from './request.js';
import { followUps, withDefaults, type Deps, type RequiredDeps } from './deps.js';
import { resolveContext } from './context.js';
import { consoleLogger } from './logger.js';
import { help } from './help.js';
import { home, invite, set, setup, status } from './commands/partnership.js';
import { addOrganisation, listOrganisations } from './commands/organisations.js';
import { describeMemberships, join, listMembers, setRole } from './commands/members.js';
import { addEmailMember, OPEN_OVERVIEW } from './commands/email-members.js';
import { survey } from './survey/survey-commands.js';
import { openCheckInButtons } from './survey/answers.js';
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
import { markReply } from './names.js';
import { trendsRoutes } from './trends/trends-routes.js';

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
  /** A person's own overview (Slack App Home, the playground's side panel). */
  overview(caller: Caller): Promise<Message>;
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

  const run = async (req: CommandRequest): Promise<Reply> => {
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
    }
    const resolved = await resolveContext(deps.store, req.caller, req.place);
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
    { actions: [{ id: RUN_COMMAND, lock: 'serial', handle: (_deps, req) => run({ caller: req.caller, place: req.place, text: req.value }) }] },
    // A person's own overview (an email member's page): reads only.
    { actions: [{ id: OPEN_OVERVIEW, lock: 'personal', handle: (_deps, req) => personalPage(req.caller) }] },
    checkInRoutes,
    concernRoutes,
    protocolRoutes,
    trendsRoutes,
  ]);
  const unknownButton = failure("That button isn't one Trellis knows (it may come from an older message). Type `help` to see what you can do.");

  const overview = async (caller: Caller): Promise<Message> => {
    const memberships = await deps.store.membershipsOf(caller);
    if (memberships.length === 0) {
      return info("You're not in a partnership yet. Ask a coordinator for an invite code, then type `join <invite-code> <organisation>`.", {
        title: 'Trellis',
      });
    }
    return info('Your partnerships:', {
      title: 'Trellis',
      items: await describeMemberships(deps, memberships),
      buttons: await openCheckInButtons(deps, memberships),
    });
  };
  // An email member's page has no command box: raising a concern is a button there (the `concern` command only opens its form).
  const personalPage = async (caller: Caller): Promise<Message> => {
    const page = await overview(caller);
    const inAny = (await deps.store.membershipsOf(caller)).length > 0;
    return inAny
      ? { ...page, buttons: [...(page.buttons ?? []), { actionId: RUN_COMMAND, label: 'Raise a concern', value: 'concern', opensForm: true }] }
      : page;
  };

  return {
    command: (req) => serial(async () => markReply(deps, req.caller, await run(req))),
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
    workspaceRemoved: (platform, workspace) => serial(() => workspaceRemoved(deps, platform, workspace)),
    dashboard: (token) => dashboardView(deps, token),
    exportCsv: (token) => exportCsv(deps, token),
    overview,
  };
}
