// The trends' buttons: reading a round's comments in full.
import type { FeatureRoutes } from '../routes.js';
import { READ_COMMENTS, readAllComments } from './comments.js';

export const trendsRoutes: FeatureRoutes = {
  actions: [{ id: READ_COMMENTS, lock: 'personal', handle: (deps, req) => readAllComments(deps, req.caller, req.value, req.place) }],
};
