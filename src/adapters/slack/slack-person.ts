// Who a Slack request is from. User ids are unique within a workspace only, so
// the workspace is part of the person: the org for an Enterprise Grid
// org-wide install (its user ids span the org's workspaces), else the team.
import type { Context } from '@slack/bolt';
import type { Caller } from '../../core/request.js';

type SlackPerson = Pick<Caller, 'workspace' | 'userId'>;

export const workspaceOf = (context: Context): string =>
  (context.isEnterpriseInstall ? context.enterpriseId : context.teamId) ?? context.teamId ?? context.enterpriseId ?? '';

export const slackCaller = (context: Context, userId: string, displayName: string): Caller => ({
  platform: 'slack',
  workspace: workspaceOf(context),
  userId,
  displayName,
});

/** One string per person, for maps keyed by string (Slack's ids never hold a '/'). */
export const personKey = (p: SlackPerson): string => `${p.workspace}/${p.userId}`;
export const fromPersonKey = (key: string): SlackPerson => {
  const at = key.lastIndexOf('/');
  return { workspace: key.slice(0, at), userId: key.slice(at + 1) };
};
