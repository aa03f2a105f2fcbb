// Child: the fake Slack (tests/helpers/fake-slack.ts) in a process of its own,
// so answering the Web API calls of the server under test costs neither that
// server nor the load generator any time.
import { startFakeSlack } from '../../helpers/fake-slack.js';
import { childInput, failChild, serveParent, toParent } from '../lib/child.js';

async function main() {
  const { limits } = childInput<{ limits?: { perChannelPerSecond?: number; perMethodPerMinute?: Record<string, number> } }>();
  const slack = await startFakeSlack(limits ? { limits } : {});
  serveParent(
    {
      stats: async () => {
        const byMethod: Record<string, number> = {};
        for (const c of slack.calls) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;
        return { byMethod, rateLimited: slack.rateLimited.length, responses: slack.responses.length };
      },
    },
    () => slack.close(),
  );
  await toParent({ type: 'ready', apiUrl: slack.apiUrl, base: slack.apiUrl.replace(/\/api\/$/, '') });
}

main().catch(failChild);
