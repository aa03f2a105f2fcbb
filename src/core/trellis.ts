// The core's front door: a normalized command or button click in, a
// platform-neutral message out. Adapters call nothing else.
import { parseCommand } from './grammar.js';
import { failure, info, type Message } from './message.js';
import type { Caller, ActionRequest, CommandRequest } from './request.js';
import { withDefaults, type Deps } from './deps.js';
import { resolveContext } from './context.js';
import { help } from './help.js';
import { home, invite, set, setup, status } from './commands/partnership.js';
import { addOrganisation, listOrganisations } from './commands/organisations.js';
import { describeMemberships, join, listMembers, setRole } from './commands/members.js';

export interface Trellis {
  command(req: CommandRequest): Promise<Message>;
  action(req: ActionRequest): Promise<Message>;
  /** A person's own overview (Slack App Home, the playground's side panel). */
  overview(caller: Caller): Promise<Message>;
}

export function createTrellis(options: Pick<Deps, 'store' | 'clock'> & Partial<Deps>): Trellis {
  const deps = withDefaults(options);
  // Commands read, decide, then write: run them one at a time so two at once
  // (a double click, two people joining together) never interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const run = async (req: CommandRequest): Promise<Message> => {
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
    }
  };

  return {
    command: (req) => serial(() => run(req)),
    action: (req) => {
      if (req.actionId === 'run') return serial(() => run({ caller: req.caller, place: req.place, text: req.value }));
      return Promise.resolve(failure("That button isn't one Trellis knows (it may come from an older message). Type `help` to see what you can do."));
    },
    overview: async (caller) => {
      const memberships = await deps.store.membershipsOf(caller.platform, caller.userId);
      if (memberships.length === 0) {
        return info("You're not in a partnership yet. Ask a coordinator for an invite code, then type `join <invite-code> <organisation>`.", { title: 'Trellis' });
      }
      return info('Your partnerships:', { title: 'Trellis', items: await describeMemberships(deps, memberships) });
    },
  };
}
