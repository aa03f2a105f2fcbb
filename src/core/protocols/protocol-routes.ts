// The protocol register's and reviews' buttons and forms.
import type { FeatureRoutes } from '../routes.js';
import { openProtocolFormFor, protocolSubmit, snoozeReminders, startReviewFor } from './protocol-commands.js';
import { OPEN_PROTOCOL_FORM, SAVE_PROTOCOL } from './protocol-form.js';
import { SNOOZE, START_REVIEW } from './reminders.js';
import { OPEN_REVIEW, openReviewForm, SUBMIT_REVIEW, submitReview } from './reviews.js';

export const protocolRoutes: FeatureRoutes = {
  actions: [
    { id: OPEN_PROTOCOL_FORM, lock: 'serial', handle: (deps, req) => openProtocolFormFor(deps, req.caller, req.value) },
    { id: START_REVIEW, lock: 'serial', handle: (deps, req) => startReviewFor(deps, req.caller, req.value) },
    { id: SNOOZE, lock: 'serial', handle: (deps, req) => snoozeReminders(deps, req.caller, req.value) },
    { id: OPEN_REVIEW, lock: 'serial', handle: (deps, req) => openReviewForm(deps, req.caller, req.value) },
  ],
  forms: [
    { id: SAVE_PROTOCOL, lock: 'serial', handle: (deps, req) => protocolSubmit(deps, req.caller, req.context, req.values) },
    { id: SUBMIT_REVIEW, lock: 'serial', handle: (deps, req) => submitReview(deps, req.caller, req.context, req.values) },
  ],
};
