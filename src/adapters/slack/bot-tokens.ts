// Which bot token speaks for Trellis in a workspace: SLACK_BOT_TOKEN when
// Trellis runs in one workspace; in distributed mode, the token of that
// workspace's installation (the team's, or its enterprise's for an org-wide
// install), read afresh for every call so that an uninstall stops sends at once.
import type { Installation } from '@slack/bolt';
import type { SlackConfig } from '../../config.js';
import type { SealedInstallations } from '../sealed-installations.js';

/** The bot token for a workspace; undefined when Trellis is not (or no longer) installed there. */
export type BotTokens = (workspace: string) => Promise<string | undefined>;

export function botTokens(config: SlackConfig, installations: SealedInstallations): BotTokens {
  const single = config.botToken;
  if (single) return async () => single;
  return async (workspace) => (workspace ? (await installations.get<Installation>('slack', workspace))?.bot?.token : undefined);
}
