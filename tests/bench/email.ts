// Benchmark 5 — email fan-out. A coordinator types `survey now` (a signed
// slash command) in a partnership whose other 1,000 members are on email
// only; how long until a real SMTP server (smtp-server, here in this process)
// has received all 1,000 check-in emails, against the least time Trellis's own
// pace allows (1,000 / TRELLIS_MAIL_PER_SECOND). Trellis runs in its own
// process and sends through nodemailer exactly as in production. Every email
// received is then read back and checked: addressed to a member, with one
// personal link, and carrying none of the check-in's words — an email sits in
// other people's servers, so it must hold nothing a member could answer.
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { BUILT_IN } from '../../src/core/survey/bank.js';
import { startFakeSlack } from '../helpers/fake-slack.js';
import { slashCommand } from '../helpers/slack-requests.js';
import { spawnChild, type ChildMessage } from './lib/child.js';
import { BENCH_CHANNEL, emailAddressOf, userIdOf } from './lib/server-data.js';

const EMAIL_MEMBERS = 1_000;
/** TRELLIS_MAIL_PER_SECOND for the run: a modest relay's allowance. */
const EMAIL_PER_SECOND = 50;

export interface EmailResult {
  members: number;
  perSecond: number;
  minimumSeconds: number;
  elapsedSeconds: number;
  ratio: number;
  /** When `survey now` answered (the round open and every message queued). */
  queuedSeconds: number | undefined;
  firstEmailSeconds: number;
  /** Emails the SMTP server accepted, and how many of them went to someone who already had one. */
  received: number;
  duplicates: number;
  /** SMTP connections Trellis opened. */
  connections: number;
  /** The open round's invitations by platform:status in Trellis's outbox, and sends tried more than once. */
  outbox: Record<string, number>;
  retries: number;
  outboxErrors: string[];
  /** Emails failing the content check, with the first reasons. */
  contentFailures: number;
  contentProblems: string[];
  /** Distinct links over all emails (each must be personal). */
  distinctLinks: number;
  subject: string;
  perTenSeconds: number[];
  reply: string;
  warnings: string[];
}

interface Received {
  at: number;
  raw: Buffer;
}

/** The in-process mail server: accepts every message and keeps it with the moment its last byte arrived. */
async function startSmtp() {
  const received: Received[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect: (_session, cb) => {
      connections++;
      cb();
    },
    onData: (stream, _session, cb) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      // Parsing waits until the end, so receiving costs this process as little as a relay would.
      stream.on('end', () => {
        received.push({ at: performance.now(), raw: Buffer.concat(chunks) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const LINK = /https:\/\/trellis\.bench\.example\.org\/w\/[A-Za-z0-9_.-]+/g;
/** What the check-in says in chat, and every statement it could ask: none may be in an email. */
const FORBIDDEN = ['short statement', 'how the partnership is working', 'Your answers are anonymous', ...BUILT_IN.flatMap((f) => f.items.map((i) => i.text))];

/** Checks each email; returns the problems found (empty when all are content-free with one personal link). */
async function checkContent(received: Received[]): Promise<{ problems: string[]; failures: number; duplicates: number; links: number; subject: string }> {
  const expected = new Set(Array.from({ length: EMAIL_MEMBERS }, (_, i) => emailAddressOf(i)));
  const seen = new Set<string>();
  const links = new Set<string>();
  const problems: string[] = [];
  let failures = 0;
  let duplicates = 0;
  let subject = '';
  for (const r of received) {
    const m = await simpleParser(r.raw);
    const to = m.to && !Array.isArray(m.to) ? (m.to.value[0]?.address ?? '') : '';
    if (seen.has(to)) duplicates++;
    seen.add(to);
    subject ||= m.subject ?? '';
    const body = `${m.subject ?? ''}\n${m.text ?? ''}\n${typeof m.html === 'string' ? m.html : ''}`;
    const textLinks = [...new Set((m.text ?? '').match(LINK) ?? [])];
    const htmlLinks = [...new Set((typeof m.html === 'string' ? m.html : '').match(LINK) ?? [])];
    const wrong: string[] = [];
    if (!expected.has(to)) wrong.push(`addressed to ${to ? 'someone not a member' : 'nobody'}`);
    if (textLinks.length !== 1 || htmlLinks.length !== 1 || textLinks[0] !== htmlLinks[0])
      wrong.push(`${textLinks.length} links in text, ${htmlLinks.length} in HTML`);
    const said = FORBIDDEN.find((s) => body.includes(s));
    if (said) wrong.push(`carries "${said.slice(0, 60)}"`);
    // The address is in the envelope and the To header only.
    if (to && body.includes(to)) wrong.push('names its address in the body');
    if (textLinks[0]) links.add(textLinks[0]);
    if (wrong.length) {
      failures++;
      if (problems.length < 5) problems.push(wrong.join('; '));
    }
  }
  return { problems, failures, duplicates, links: links.size, subject };
}

export async function runEmailFanout(log: (line: string) => void): Promise<EmailResult> {
  const smtp = await startSmtp();
  // Only the coordinator is on Slack: the fake answers their command's reply and their own check-in DM.
  const slack = await startFakeSlack();
  const trellis = spawnChild(
    'hosts/trellis.ts',
    { apiUrl: slack.apiUrl, members: 1, postsPerSecond: 20, email: { members: EMAIL_MEMBERS, smtpUrl: smtp.url, perSecond: EMAIL_PER_SECOND } },
    { name: 'Trellis (email fan-out)' },
  );
  try {
    const { url } = await trellis.next<ChildMessage & { url: string }>('ready');
    const minimumSeconds = EMAIL_MEMBERS / EMAIL_PER_SECOND;
    let queuedSeconds: number | undefined;
    const t0 = performance.now();
    const res = await slashCommand(url, {
      user_id: userIdOf(0),
      user_name: 'member0',
      ...BENCH_CHANNEL,
      text: 'survey now',
      response_url: slack.responseUrl('survey-now'),
    });
    if (res.status !== 200) throw new Error(`survey now: HTTP ${res.status}`);
    const deadline = t0 + (minimumSeconds * 3 + 120) * 1000;
    let lastLog = t0;
    while (smtp.received.length < EMAIL_MEMBERS) {
      const now = performance.now();
      if (queuedSeconds === undefined && slack.responses.some((r) => r.id === 'survey-now')) queuedSeconds = (now - t0) / 1000;
      if (now - lastLog > 5_000) {
        lastLog = now;
        log(`  ${((now - t0) / 1000).toFixed(0)} s: ${smtp.received.length} emails received${queuedSeconds === undefined ? ', round still opening' : ''}`);
      }
      if (now > deadline) throw new Error(`only ${smtp.received.length} of ${EMAIL_MEMBERS} emails after ${((now - t0) / 1000).toFixed(0)} s`);
      await sleep(20);
    }
    const elapsedSeconds = (smtp.received[EMAIL_MEMBERS - 1]!.at - t0) / 1000;
    // A moment for anything sent twice to show itself before counting.
    await sleep(1_000);
    const reply = slack.responses.find((r) => r.id === 'survey-now');
    if (queuedSeconds === undefined && reply) queuedSeconds = (performance.now() - t0) / 1000;
    const perTenSeconds: number[] = [];
    for (const r of smtp.received) {
      const bin = Math.floor((r.at - t0) / 10_000);
      while (perTenSeconds.length <= bin) perTenSeconds.push(0);
      perTenSeconds[bin]!++;
    }
    const outbox = await trellis.ask<ChildMessage & { counts: Record<string, number>; retries: number; errors: string[] }>({ type: 'outbox' });
    const stats = await trellis.ask<ChildMessage & { warnings: string[] }>({ type: 'stats' });
    const content = await checkContent(smtp.received);
    return {
      members: EMAIL_MEMBERS,
      perSecond: EMAIL_PER_SECOND,
      minimumSeconds,
      elapsedSeconds,
      ratio: elapsedSeconds / minimumSeconds,
      queuedSeconds,
      firstEmailSeconds: (smtp.received[0]!.at - t0) / 1000,
      received: smtp.received.length,
      duplicates: content.duplicates,
      connections: smtp.connections(),
      outbox: outbox.counts,
      retries: outbox.retries,
      outboxErrors: outbox.errors,
      contentFailures: content.failures,
      contentProblems: content.problems,
      distinctLinks: content.links,
      subject: content.subject,
      perTenSeconds,
      reply: String(reply?.body.text ?? '(no reply yet)'),
      warnings: stats.warnings,
    };
  } finally {
    await trellis.stop();
    await slack.close();
    await smtp.close();
  }
}
