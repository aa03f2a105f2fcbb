// The set-up checklist's buttons and forms: which organisation the coordinator is in, and `member add` as a form.
import type { FeatureRoutes } from '../routes.js';
import {
  OPEN_EMAIL_MEMBER_FORM,
  OPEN_MY_ORG_FORM,
  openEmailMemberForm,
  openMyOrgForm,
  SAVE_EMAIL_MEMBER,
  SAVE_MY_ORG,
  saveEmailMember,
  saveMyOrg,
} from './setup-checklist.js';

export const setupChecklistRoutes: FeatureRoutes = {
  actions: [
    { id: OPEN_MY_ORG_FORM, lock: 'serial', handle: (deps, req) => openMyOrgForm(deps, req.caller, req.value) },
    { id: OPEN_EMAIL_MEMBER_FORM, lock: 'serial', handle: (deps, req) => openEmailMemberForm(deps, req.caller, req.value) },
  ],
  forms: [
    { id: SAVE_MY_ORG, lock: 'serial', handle: (deps, req) => saveMyOrg(deps, req.caller, req.context, req.values) },
    { id: SAVE_EMAIL_MEMBER, lock: 'serial', handle: (deps, req) => saveEmailMember(deps, req.caller, req.context, req.values) },
  ],
};
