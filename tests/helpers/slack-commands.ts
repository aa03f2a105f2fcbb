// `/trellis <text>` typed in Slack, into a running server with a fake Slack
// behind it: the signed slash command, then what came back for it.
import { expect } from 'vitest';
import type { FakeSlack } from './fake-slack.js';
import { slashCommand } from './slack-requests.js';
import { waitFor } from './wait-for.js';

/** Who typed the command, as Slack names them in its form fields. */
export interface SlackPerson {
  user_id: string;
  user_name: string;
}

let seq = 0;

/**
 * Commands to one server and fake Slack (read when called: both start in beforeAll).
 * `Reply` and `View` type the response_url bodies and modals the file reads.
 */
export function slackCommands<Reply = { text: string }, View = unknown>(world: () => { trellis: { url: string }; slack: FakeSlack }) {
  /** `/trellis <text>` from `who` in `where` (channel_id, channel_name): the response_url reply, or the modal it opened instead. */
  async function slash(who: SlackPerson, where: Record<string, string>, text: string): Promise<{ reply?: Reply; view?: View; id: string; trigger: string }> {
    const { trellis, slack } = world();
    // Not `r<n>`: the files' own clicks number their response_urls that way.
    const id = `slash-${++seq}`;
    const trigger = `trigger-${id}`;
    const res = await slashCommand(trellis.url, {
      user_id: who.user_id,
      user_name: who.user_name,
      ...where,
      text,
      response_url: slack.responseUrl(id),
      trigger_id: trigger,
    });
    expect(res.status).toBe(200);
    return waitFor(() => {
      const opened = slack.calls.find((c) => c.method === 'views.open' && c.body.trigger_id === trigger && c.result?.ok === true);
      const responded = slack.responses.find((r) => r.id === id);
      return opened ? { view: opened.body.view as View, id, trigger } : responded ? { reply: responded.body as Reply, id, trigger } : undefined;
    });
  }

  /** `/trellis <text>` answered through its response_url: that reply. */
  const run = async (who: SlackPerson, where: Record<string, string>, text: string): Promise<Reply> => (await slash(who, where, text)).reply!;

  return { slash, run };
}
