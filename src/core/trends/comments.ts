// A round's comments. The digest quotes a few, shortened; "Read all comments"
// shows every one in full, privately to whoever asks, under the digest's own
// rules: only from a closed round that k or more answered, only to members of
// its partnership, and never with an organisation or anything else beside them.
import type { Deps } from '../deps.js';
import { commandButton, failure, info, type Button, type Message } from '../message.js';
import type { Caller, Place } from '../request.js';
import { sendPrivate } from '../send.js';
import { thresholdFor } from '../promised-threshold.js';
import { openGroups } from '../answer-group.js';
import type { AnswerSet } from '../model.js';
import { closingAnswers } from '../survey/closing-questions.js';

/** In the digest: this many comments, each up to this many characters. */
export const DIGEST_COMMENTS = 10;
export const DIGEST_COMMENT_LENGTH = 300;
/** Characters of comments in one private page: every platform shows a message this long whole. */
const PAGE_LENGTH = 3_000;

export const READ_COMMENTS = 'read-comments';

export const commentsOf = (answers: AnswerSet[]) => answers.map((a) => a.comment?.trim()).filter((c): c is string => !!c);

const quote = (c: string) => `“${c}”`;

/** The digest's quotations, and the button to read them all whenever any was left out or shortened. */
export function digestComments(roundId: string, comments: string[]): { items: string[]; buttons: Button[] } {
  const items = comments.slice(0, DIGEST_COMMENTS).map((c) => quote(c.length > DIGEST_COMMENT_LENGTH ? `${c.slice(0, DIGEST_COMMENT_LENGTH)}…` : c));
  const cut = comments.length > DIGEST_COMMENTS || comments.some((c) => c.length > DIGEST_COMMENT_LENGTH);
  return { items, buttons: cut ? [readButton(roundId, 0)] : [] };
}

const readButton = (roundId: string, from: number): Button => ({
  actionId: READ_COMMENTS,
  label: from === 0 ? 'Read all comments' : 'More comments',
  value: `${roundId}:${from}`,
  readOnly: true,
});

/**
 * Clicked in a shared channel (a digest's button), the page goes to the person's private chat: not every
 * platform can answer in a channel for one person's eyes only (Teams cannot), and it says "Only you see this".
 */
const SENT_PRIVATELY = 'Sent to you in your private chat with Trellis: comments are shown only there.';
const CANNOT_SEND_PRIVATELY =
  'Comments are shown only in a private chat with Trellis, and it cannot write to yours yet: write anything to Trellis there, then click again.';

/** Every comment of a round, in full, a page at a time. */
export async function readAllComments(deps: Deps, caller: Caller, value: string, place?: Place): Promise<Message> {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const round = m ? await deps.store.round(m[1]!) : undefined;
  if (!m || !round?.closedAt) return failure('Those comments cannot be found: the round may not have closed.');
  const p = await deps.store.partnership(round.partnershipId);
  const member = (await deps.store.membershipsOf(caller)).some((x) => x.partnershipId === round.partnershipId);
  if (!p || !member) return failure('Only members of the partnership can read its comments.');
  const answers = openGroups(deps.secret, await deps.store.answerSets(round.id));
  const k = thresholdFor(p, round.threshold);
  const name = round.kind === 'closing' ? 'the closing check-in' : `check-in #${round.number}`;
  if (answers.length < k) return info(`Fewer than ${k} people answered ${name}, so its comments are not shown: that protects everyone's anonymity.`);
  const all = round.kind === 'closing' ? closingAnswers(answers) : commentsOf(answers);
  const from = Math.min(Number(m[2]), all.length);
  const page: string[] = [];
  let length = 0;
  for (const c of all.slice(from)) {
    if (page.length > 0 && length + c.length > PAGE_LENGTH) break;
    page.push(quote(c));
    length += c.length;
  }
  const next = from + page.length;
  const which = all.length <= page.length ? `All ${all.length}` : `Comments ${from + 1}–${next} of ${all.length}`;
  const shown = info(`${which} comment${all.length === 1 ? '' : 's'} from ${name}, as written. Only you see this.\n\n${page.join('\n\n')}`, {
    title: `${p.name}: comments`,
    buttons: [...(next < all.length ? [readButton(round.id, next)] : []), commandButton('Trends', 'trends')],
  });
  if (place?.kind !== 'channel') return shown;
  const sent = await sendPrivate(deps, caller, shown, { kind: 'comments', partnershipId: p.id });
  return info(sent.status === 'sent' ? SENT_PRIVATELY : CANNOT_SEND_PRIVATELY, { title: `${p.name}: comments` });
}
