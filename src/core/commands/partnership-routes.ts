// The buttons and forms of the partnership's own commands: confirming a change
// of organisation after `join`, and the `org rename` form.
import { failure } from '../message.js';
import { contextIn } from '../context.js';
import { closedRefusal, isClosed } from './closed.js';
import type { FeatureRoutes } from '../routes.js';
import { confirmMove, keepOrganisation, KEEP_ORG, MOVE_ORG } from './members.js';
import { OPEN_RENAME_FORM, RENAME_ORG, renameOrganisation, submitRename } from './organisations.js';

const NOT_YOURS = failure("That isn't a partnership you are in; nothing was changed.");

export const partnershipRoutes: FeatureRoutes = {
  actions: [
    { id: MOVE_ORG, lock: 'serial', handle: (deps, req) => confirmMove(deps, req.caller, req.value) },
    { id: KEEP_ORG, lock: 'serial', handle: (deps, req) => keepOrganisation(deps, req.caller, req.value) },
    {
      id: OPEN_RENAME_FORM,
      lock: 'serial',
      handle: async (deps, req) => {
        const ctx = await contextIn(deps.store, req.caller, req.value);
        if (ctx && isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
        return ctx ? renameOrganisation(deps, ctx, []) : NOT_YOURS;
      },
    },
  ],
  forms: [
    {
      id: RENAME_ORG,
      lock: 'serial',
      handle: async (deps, req) => {
        const ctx = await contextIn(deps.store, req.caller, req.context);
        if (ctx && isClosed(ctx.partnership)) return closedRefusal(ctx.partnership);
        return ctx ? submitRename(deps, ctx, req.values) : NOT_YOURS;
      },
    },
  ],
};
