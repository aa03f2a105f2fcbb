// Child: the real Trellis server (startServer over a lowdb file, Slack over
// HTTP at /slack/events, production log level), with a partnership of
// `members` Slack members written through the store API before it starts
// (and, for the email fan-out, `email.members` email members, with mail sent
// to an SMTP server of the parent's).
// The parent drives it over HTTP like Slack would, and asks it over IPC how
// far a round has got.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderFormModal } from '../../../src/adapters/slack/render-modal.js';
import { loadConfig } from '../../../src/config.js';
import { withDefaults } from '../../../src/core/deps.js';
import { isForm } from '../../../src/core/message.js';
import { systemClock } from '../../../src/core/ports/clock.js';
import { openCheckIn } from '../../../src/core/survey/answers.js';
import { createLogger } from '../../../src/log.js';
import { startServer } from '../../../src/server.js';
import { openLowdbStore } from '../../../src/store/lowdb-store.js';
import { BOT_TOKEN, SIGNING_SECRET } from '../../helpers/slack-requests.js';
import { TEST_SECRET } from '../../helpers/start-trellis.js';
import { childInput, failChild, KEEP_ALIVE_MS, serveParent, toParent } from '../lib/child.js';
import { BENCH_PARTNERSHIP, seedEmailMembers, seedPartnership, userIdOf } from '../lib/server-data.js';
import { corePorts } from '../../helpers/core-ports.js';

export interface TrellisHostInput {
  apiUrl: string;
  members: number;
  postsPerSecond: number;
  email?: { members: number; smtpUrl: string; perSecond: number };
  /** Distributed mode (Slack OAuth): the app's credentials; each workspace then installs Trellis through /slack/install. */
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  /** The workspaces the members are spread over (see seedPartnership); one, T0001, by default. */
  workspaces?: string[];
}

async function main() {
  const input = childInput<TrellisHostInput>();
  const dir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
  const dataFile = join(dir, 'trellis.json');
  const config = loadConfig({
    TRELLIS_DATA: dataFile,
    TRELLIS_SECRET: TEST_SECRET,
    ...(input.oauth
      ? { SLACK_CLIENT_ID: input.oauth.clientId, SLACK_CLIENT_SECRET: input.oauth.clientSecret, SLACK_STATE_SECRET: input.oauth.stateSecret }
      : { SLACK_BOT_TOKEN: BOT_TOKEN }),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: input.apiUrl,
    TRELLIS_SLACK_POSTS_PER_SECOND: String(input.postsPerSecond),
    LOG_LEVEL: 'info',
    ...(input.email
      ? {
          SMTP_URL: input.email.smtpUrl,
          MAIL_FROM: 'Trellis <trellis@bench.example.org>',
          TRELLIS_MAIL_PER_SECOND: String(input.email.perSecond),
          PUBLIC_URL: 'https://trellis.bench.example.org',
        }
      : {}),
  });
  const warnings: string[] = [];
  let warningCount = 0;
  const log = createLogger({
    level: 'info',
    secrets: [TEST_SECRET, SIGNING_SECRET, BOT_TOKEN, ...(input.oauth ? [input.oauth.clientSecret, input.oauth.stateSecret] : [])],
    write: (line) => {
      if (!/"level":"(warn|error)"/.test(line)) return;
      warningCount++;
      if (warnings.length < 20) warnings.push(line.slice(0, 300));
    },
  });
  const store = await openLowdbStore(dataFile, TEST_SECRET);
  await seedPartnership(store, input.members, input.workspaces);
  if (input.email) await seedEmailMembers(store, TEST_SECRET, input.email.members);
  const running = await startServer({ config, store, storeKind: 'lowdb', clock: systemClock, log, secret: TEST_SECRET, schedule: false }, 0);
  // Slack's (and the load generator's) connections are kept alive between bursts, as for the bare Bolt app.
  running.server.keepAliveTimeout = KEEP_ALIVE_MS;
  let connections = 0;
  running.server.on('connection', () => connections++);
  const deps = withDefaults({
    ...corePorts(store),
    clock: systemClock,
    messenger: { sendPrivate: async () => undefined, sendToConversation: async () => undefined, update: async () => undefined },
    secret: TEST_SECRET,
  });

  const openRound = async () => (await store.rounds(BENCH_PARTNERSHIP)).find((r) => !r.closedAt);

  serveParent(
    {
      /** How far the open round has got: invited, and check-in DMs sent by the outbox. */
      round: async () => {
        const round = await openRound();
        if (!round) return { roundId: null, invited: 0, sent: 0, answerSets: 0 };
        const invitations = await store.invitations(round.id);
        let sent = 0;
        for (const i of invitations) {
          const id = i.delivery?.outgoing;
          if (typeof id === 'string' && (await store.outgoing(id))?.status === 'sent') sent++;
        }
        return { roundId: round.id, invited: invitations.length, sent, answerSets: (await store.answerSets(round.id)).length };
      },
      /** The open round's invitations by platform and outbox status, with the sends tried beyond the first (retries). */
      outbox: async () => {
        const round = await openRound();
        const counts: Record<string, number> = {};
        let retries = 0;
        const errors: string[] = [];
        for (const i of round ? await store.invitations(round.id) : []) {
          const id = i.delivery?.outgoing;
          const o = typeof id === 'string' ? await store.outgoing(id) : undefined;
          const key = `${o?.platform ?? 'none'}:${o?.status ?? 'unqueued'}`;
          counts[key] = (counts[key] ?? 0) + 1;
          retries += Math.max(0, (o?.attempts ?? 1) - 1);
          if (o?.error && errors.length < 5) errors.push(o.error);
        }
        return { counts, retries, errors };
      },
      drain: async () => {
        await running.drain();
        return {};
      },
      /** The check-in modal exactly as Trellis opens it in Slack (it is the same for every member until they answer). */
      view: async () => {
        const round = await openRound();
        if (!round) throw new Error('no open round');
        const reply = await openCheckIn(deps, { platform: 'slack', workspace: 'T0001', userId: userIdOf(1), displayName: '' }, round.id);
        if (!isForm(reply)) throw new Error('the check-in did not open as a form');
        return { view: renderFormModal(reply.form), itemIds: round.itemIds };
      },
      stats: async () => ({ connections, warningCount, warnings }),
    },
    async () => {
      // A clean close finishes the updates the dispatcher has claimed, paced at
      // Slack's chat.update rate, which can take many seconds after a benchmark;
      // this server and its data are thrown away, so it is not waited for long.
      const closed = await Promise.race([
        running
          .close()
          .then(() => store.close())
          .then(() => true),
        sleep(5_000).then(() => false),
      ]);
      if (!closed) process.stderr.write('Trellis (benchmark host) did not finish closing within 5 s; leaving anyway.\n');
      await rm(dir, { recursive: true, force: true });
    },
  );
  await toParent({ type: 'ready', url: running.url.replace('localhost', '127.0.0.1'), dataFile });
}

main().catch(failChild);
