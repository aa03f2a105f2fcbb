// The critical-friend channel's buttons and forms.
import type { FeatureRoutes } from '../routes.js';
import { FRIEND_OPEN, FRIEND_SUBMIT, REPORTER_OPEN, REPORTER_SUBMIT, SUBMIT_NEW_CONCERN } from './concern-forms.js';
import { friendSubmit, openAsFriend, openAsReporter, raiseConcern, reporterSubmit } from './concerns.js';

export const concernRoutes: FeatureRoutes = {
  actions: [
    { id: FRIEND_OPEN, lock: 'serial', handle: (deps, req) => openAsFriend(deps, req.caller, req.value) },
    { id: REPORTER_OPEN, lock: 'serial', handle: (deps, req) => openAsReporter(deps, req.caller, req.value) },
  ],
  forms: [
    { id: SUBMIT_NEW_CONCERN, lock: 'serial', handle: (deps, req) => raiseConcern(deps, req.caller, req.context, req.values) },
    { id: FRIEND_SUBMIT, lock: 'serial', handle: (deps, req) => friendSubmit(deps, req.caller, req.context, req.values) },
    { id: REPORTER_SUBMIT, lock: 'serial', handle: (deps, req) => reporterSubmit(deps, req.caller, req.context, req.values) },
  ],
};
