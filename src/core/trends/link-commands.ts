// `dashboard`, `export` and `dashboard revoke`: the private links to the
// figures, and the way to end them all at once.
import { info, success, type Message } from '../message.js';
import type { Deps } from '../deps.js';
import { requireCoordinator, type Context } from '../context.js';
import { LINK_HOURS, signLink } from './links.js';
import type { LinkCommand } from './trends-grammar.js';

export async function linkCommand(deps: Deps, ctx: Context, cmd: LinkCommand): Promise<Message> {
  const p = ctx.partnership;
  const refused = await requireCoordinator(
    deps.store,
    ctx,
    cmd.name === 'dashboard revoke' ? 'withdraw dashboard and export links' : `get the ${cmd.name} link`,
  );
  if (refused) return refused;
  if (cmd.name === 'dashboard revoke') {
    // Saved inside the command queue (trellis.ts), so no link can be issued under the old generation after this.
    await deps.store.savePartnership({ ...p, linkGeneration: (p.linkGeneration ?? 0) + 1 });
    return success(
      `Every dashboard and export link of ${p.name} given out so far has stopped working, whoever holds it. Coordinators can ask for a new one with \`dashboard\` or \`export\`.`,
    );
  }
  // requireCoordinator passed, so the caller is a member: the link names them.
  const token = signLink(deps.secret, { partnershipId: p.id, memberId: ctx.me!.id, generation: p.linkGeneration ?? 0 }, cmd.name, deps.clock.now());
  const what = cmd.name === 'dashboard' ? 'the dashboard' : "a CSV of the figures Trellis shows (never anyone's answers)";
  return info(
    `Here is your private link to ${what} for ${p.name}. It works for ${LINK_HOURS} hours while you are a coordinator; please don't forward it (\`dashboard revoke\` withdraws every link).\n${deps.publicUrl()}/${cmd.name}/${token}`,
  );
}
