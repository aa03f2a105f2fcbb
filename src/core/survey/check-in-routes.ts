// The check-in's button and form. Personal: people answer side by side.
import type { FeatureRoutes } from '../routes.js';
import { openCheckIn, submitCheckIn } from './answers.js';
import { OPEN_CHECK_IN, SUBMIT_CHECK_IN } from './check-in-messages.js';

export const checkInRoutes: FeatureRoutes = {
  actions: [{ id: OPEN_CHECK_IN, lock: 'personal', handle: (deps, req) => openCheckIn(deps, req.caller, req.value) }],
  forms: [{ id: SUBMIT_CHECK_IN, lock: 'personal', handle: (deps, req) => submitCheckIn(deps, req.caller, req.context, req.values) }],
};
