// Which bot token speaks for Trellis in a workspace: SLACK_BOT_TOKEN when
// Trellis runs in one workspace; in distributed mode, the token of that
// workspace's installation (the team's, or its enterprise's for an org-wide
// install), read afresh for every call so that an uninstall stops sends at once.
import { webApi, type Installation } from '@slack/bolt';
import type { SlackConfig } from '../../config.js';
import type { SealedInstallations } from '../sealed-installations.js';

/** The bot token for a workspace; undefined when Trellis is not (or no longer) installed there. */
export type BotTokens = (workspace: string) => Promise<string | undefined>;

export function botTokens(config: SlackConfig, installations: SealedInstallations): BotTokens {
  const single = config.botToken;
  if (single) return async () => single;
  return async (workspace) => (workspace ? (await installations.get<Installation>('slack', workspace))?.bot?.token : undefined);
}

/** One WebClient per token, made on first use (a workspace's token changes only when it is installed again). */
export function clientsByToken(options: webApi.WebClientOptions): (token: string) => webApi.WebClient {
  const clients = new Map<string, webApi.WebClient>();
  return (token) => {
    let client = clients.get(token);
    if (!client) {
      // Bounded: tokens of workspaces that reinstalled or left are dropped with the rest now and then.
      if (clients.size >= 1000) clients.clear();
      clients.set(token, (client = new webApi.WebClient(token, options)));
    }
    return client;
  };
}
