// The stored history the store benchmarks start from, the same shape in the
// lowdb file and in PostgreSQL: partnerships of 240 members in 12
// organisations, each with up to 100 closed (compacted) rounds of 200 answer
// sets, and one open round in the first partnership that new answers go to.
// 1,000,000 answer sets = 50 partnerships × 100 rounds × 200 answers.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { DEFAULT_SURVEY_SETTINGS, SECTORS, type AnswerSet, type Round, type ScaleValue } from '../../../src/core/model.js';
import { bankFor } from '../../../src/core/survey/bank.js';
import { choosePulseItems } from '../../../src/core/survey/rotation.js';
import { emptyState, type State } from '../../../src/store/state-schema.js';
import { seededRandom } from '../../helpers/seeded-random.js';

export const ANSWERS_PER_ROUND = 200;
export const ROUNDS_PER_PARTNERSHIP = 100;
export const MEMBERS_PER_PARTNERSHIP = 240;
export const ORGS_PER_PARTNERSHIP = 12;
export const OPEN_ROUND = 'p0-open';
export const DIGEST_PARTNERSHIP = 'p0';
export const COMMENT = 'A comment about how the partnership is working.';

const CREATED = '2024-01-08T09:00:00.000Z';

export const hex64 = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** Everything but the stored answer sets, for `answers` of them; `closedRounds[i]` is where answer i % R goes. */
export function baseState(answers: number): { state: State; closedRounds: Round[] } {
  const state = emptyState();
  const roundCount = Math.max(1, Math.ceil(answers / ANSWERS_PER_ROUND));
  const partnerships = Math.ceil(roundCount / ROUNDS_PER_PARTNERSHIP);
  const bank = bankFor([]);
  const closedRounds: Round[] = [];
  const week = 7 * 86_400_000;
  for (let k = 0; k < partnerships; k++) {
    const pid = `p${k}`;
    state.partnerships.push({
      id: pid,
      name: `Partnership ${k}`,
      purpose: 'Benchmark data',
      type: 'coordinating',
      homes: [{ platform: 'slack', workspace: 'T0001', conversationId: `C${k}BENCH`, label: '#bench' }],
      timezone: 'Europe/London',
      threshold: 5,
      inviteCode: `BNCH-${String(k).padStart(4, '2')}`,
      createdAt: CREATED,
      survey: DEFAULT_SURVEY_SETTINGS,
    });
    for (let j = 0; j < ORGS_PER_PARTNERSHIP; j++)
      state.organisations.push({ id: `${pid}-o${j}`, partnershipId: pid, name: `Organisation ${j}`, sector: SECTORS[j % SECTORS.length]! });
    for (let i = 0; i < MEMBERS_PER_PARTNERSHIP; i++) {
      state.members.push({
        id: `${pid}-m${i}`,
        partnershipId: pid,
        platform: 'slack',
        workspace: 'T0001',
        userId: `U${k}X${i}`,
        displayName: `Member ${k}.${i}`,
        organisationId: `${pid}-o${i % ORGS_PER_PARTNERSHIP}`,
        role: i === 0 ? 'coordinator' : 'member',
        joinedAt: CREATED,
      });
    }
    const rounds = Math.min(ROUNDS_PER_PARTNERSHIP, roundCount - k * ROUNDS_PER_PARTNERSHIP);
    const history: string[][] = [];
    for (let n = 1; n <= rounds; n++) {
      const itemIds = choosePulseItems(bank, history);
      history.push(itemIds);
      const opened = new Date(Date.parse(CREATED) + n * week);
      const closed = new Date(opened.getTime() + 5 * 86_400_000).toISOString();
      const round: Round = {
        id: `${pid}-r${n}`,
        partnershipId: pid,
        number: n,
        kind: 'pulse',
        itemIds,
        threshold: 5,
        openedAt: opened.toISOString(),
        remindAt: closed,
        closesAt: closed,
        closedAt: closed,
        tally: { invited: MEMBERS_PER_PARTNERSHIP, answered: ANSWERS_PER_ROUND },
      };
      state.rounds.push(round);
      closedRounds.push(round);
    }
    if (k === 0) {
      const now = Date.now();
      state.rounds.push({
        id: OPEN_ROUND,
        partnershipId: pid,
        number: rounds + 1,
        kind: 'pulse',
        itemIds: choosePulseItems(bank, history),
        threshold: 5,
        openedAt: new Date(now - 3_600_000).toISOString(),
        remindAt: new Date(now + 2 * 86_400_000).toISOString(),
        closesAt: new Date(now + 5 * 86_400_000).toISOString(),
      });
    }
  }
  return { state, closedRounds };
}

/** A deterministic generator, so every run stores the same answers. */
export const prng = seededRandom;

/** One answer set for `round`: every item answered 1–5 (5% "prefer not to say"), a comment one time in ten. */
export function answerFor(round: Round, key: string, rnd: () => number): AnswerSet {
  const org = Math.floor(rnd() * ORGS_PER_PARTNERSHIP);
  const values: Record<string, ScaleValue | null> = {};
  for (const id of round.itemIds) values[id] = rnd() < 0.05 ? null : ((1 + Math.floor(rnd() * 5)) as ScaleValue);
  return {
    roundId: round.id,
    key,
    organisationId: `${round.partnershipId}-o${org}`,
    sector: SECTORS[org % SECTORS.length]!,
    values,
    ...(rnd() < 0.1 ? { comment: COMMENT } : {}),
  };
}

/** The i-th new answer for the open round (what the ingest benchmarks write). */
export function newAnswer(openRound: Round, i: number, rnd: () => number): AnswerSet {
  return answerFor(openRound, hex64(`new:${i}`), rnd);
}

/**
 * Writes a valid lowdb data file holding `answers` answer sets, kept in key
 * order as the store keeps them, without ever holding the whole JSON text.
 */
export async function writeLowdbFile(file: string, answers: number): Promise<{ bytes: number }> {
  const { state, closedRounds } = baseState(answers);
  const R = closedRounds.length;
  // The key, then the round it belongs to: sorting these sorts by key.
  const tagged = new Array<string>(answers);
  for (let i = 0; i < answers; i++) tagged[i] = `${hex64(`seed:${i}`)}${i % R}`;
  tagged.sort();
  const marker = '"__ANSWER_SETS__"';
  // With a journal mark, as Trellis writes its files on a clean stop (`closed`: it holds everything, so needs no journal beside it).
  const mark = { id: `bench-${answers}`, seq: 0, closed: true };
  const [head, tail] = JSON.stringify({ ...state, answerSets: marker.slice(1, -1), journal: mark }).split(marker) as [string, string];
  const rnd = prng(answers);
  const handle = await open(file, 'w', 0o600);
  let bytes = 0;
  try {
    const write = async (s: string) => {
      bytes += Buffer.byteLength(s);
      await handle.write(s);
    };
    await write(`${head}[`);
    const CHUNK = 5_000;
    for (let i = 0; i < answers; i += CHUNK) {
      const part: string[] = [];
      for (let j = i; j < Math.min(answers, i + CHUNK); j++) {
        const t = tagged[j]!;
        part.push(JSON.stringify(answerFor(closedRounds[Number(t.slice(64))]!, t.slice(0, 64), rnd)));
      }
      await write((i === 0 ? '' : ',') + part.join(','));
    }
    await write(`]${tail}`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { bytes };
}
