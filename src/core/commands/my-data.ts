// `my data`: everything Trellis holds about the person asking, for them alone —
// shown privately and as a JSON file behind a signed link that lasts an hour.
// Their answers are found the way answering files them: by recomputing the
// keyed hash of (member, round) for each round they were asked; nobody else's
// answer set is read. Their concerns are those whose sealed relay opens to them.
import { CLOSING_QUESTIONS } from '../survey/closing-questions.js';
import { answersOf, SCALE_OPTIONS } from '../answering.js';
import type { Deps } from '../deps.js';
import { openContact } from '../email-identity.js';
import { info, withLiterals, type Message } from '../message.js';
import type { AnswerSet, Member, Person } from '../model.js';
import type { Place } from '../request.js';
import { openConcern } from '../concerns/concern-seal.js';
import { openRelay } from '../concerns/relay.js';
import { RECOMMENDATION, RECOMMENDATION_OPTIONS, REVIEW_ITEMS } from '../protocols/review-items.js';
import { refOf } from '../protocols/register.js';
import { bankFor } from '../survey/bank.js';
import { MY_DATA_LINK_HOURS, signLink, verifyLink } from '../trends/links.js';
import { formatLocal } from '../time.js';

interface AnswerRecord {
  statement: string;
  answer: string;
}

interface QuestionnaireRecord {
  /** "Check-in #3" or "Review of P-2 (title)". */
  what: string;
  openedAt: string;
  closedAt?: string;
  invited: boolean;
  answered: boolean;
  answers?: AnswerRecord[];
  comment?: string;
}

interface ConcernRecord {
  reference: string;
  category: string;
  status: string;
  month: string;
  organisation?: string;
  messages: { from: 'you' | 'critical friend'; day: string; text: string }[];
}

interface MembershipRecord {
  partnership: string;
  /** The partnership's: its dates are shown on this clock. */
  timezone: string;
  displayName: string;
  organisation?: { name: string; sector: string };
  role: string;
  joinedAt: string;
  roleSince?: string;
  checkIns: QuestionnaireRecord[];
  reviews: QuestionnaireRecord[];
  concerns: ConcernRecord[];
}

export interface MyData {
  generatedAt: string;
  platform: string;
  /** Only for someone added by address: opened from its seal for them alone. */
  email?: string;
  memberships: MembershipRecord[];
}

const IN_A_CHANNEL =
  "`my data` shows everything Trellis holds about you, so it answers only in a private chat with Trellis: type `my data` there (or open Trellis's personal chat on Teams).";
const NOTHING = 'Trellis holds nothing about you: you are in no partnership, so there are no memberships, invitations, answers or concerns.';

const CLOSING_LABELS = new Map<string, string>(CLOSING_QUESTIONS.map((q) => [q.id, q.label]));
const SCALE_LABEL = new Map(SCALE_OPTIONS.map((o) => [o.value, o.label]));
const CHOICE_LABEL = new Map(RECOMMENDATION_OPTIONS.map((o) => [o.value, o.label]));

function answersIn(set: AnswerSet, statement: (id: string) => string): AnswerRecord[] {
  const scale = Object.entries(set.values).map(([id, v]) => ({
    statement: statement(id),
    answer: SCALE_LABEL.get(v === null ? 'skip' : String(v)) ?? String(v),
  }));
  const choices = Object.entries(set.choices ?? {}).map(([id, v]) => ({ statement: statement(id), answer: CHOICE_LABEL.get(v) ?? v }));
  // A closing check-in's answers are the person's own words.
  const texts = Object.entries(set.texts ?? {}).map(([id, v]) => ({ statement: statement(id), answer: v }));
  return [...scale, ...choices, ...texts];
}

function record(
  what: string,
  openedAt: string,
  closedAt: string | undefined,
  invited: boolean,
  mine: AnswerSet | undefined,
  statement: (id: string) => string,
) {
  return {
    what,
    openedAt,
    ...(closedAt ? { closedAt } : {}),
    // Answering needs an invitation; a compacted round's invitations are gone, but an answer shows there was one.
    invited: invited || mine !== undefined,
    answered: mine !== undefined,
    ...(mine ? { answers: answersIn(mine, statement) } : {}),
    ...(mine?.comment ? { comment: mine.comment } : {}),
  };
}

async function membershipData(deps: Deps, m: Member): Promise<MembershipRecord | undefined> {
  const p = await deps.store.partnership(m.partnershipId);
  if (!p) return undefined;
  const org = (await deps.store.organisations(p.id)).find((o) => o.id === m.organisationId);
  const bank = bankFor(await deps.store.customItems(p.id));
  const checkIns: QuestionnaireRecord[] = [];
  for (const r of await deps.store.rounds(p.id)) {
    if (r.cancelledAt) continue;
    const invited = (await deps.store.invitation(r.id, m.id)) !== undefined;
    const mine = await answersOf(deps, r.id, m.id);
    if (invited || mine)
      checkIns.push(
        record(
          r.kind === 'closing' ? 'Closing check-in' : `${r.kind === 'healthcheck' ? 'Health check' : 'Check-in'} #${r.number}`,
          r.openedAt,
          r.closedAt,
          invited,
          mine,
          (id) => bank.item(id)?.text ?? CLOSING_LABELS.get(id) ?? id,
        ),
      );
  }
  const reviewText = new Map<string, string>(REVIEW_ITEMS.map((i) => [i.id, i.text]));
  reviewText.set(RECOMMENDATION, 'Should it be kept as it is, revised or retired?');
  const reviews: QuestionnaireRecord[] = [];
  for (const protocol of await deps.store.protocols(p.id))
    for (const review of protocol.reviews) {
      const invited = (await deps.store.invitation(review.id, m.id)) !== undefined;
      const mine = await answersOf(deps, review.id, m.id);
      if (invited || mine)
        reviews.push(
          record(`Review of ${refOf(protocol)} (${protocol.title})`, review.startedAt, review.closedAt, invited, mine, (id) => reviewText.get(id) ?? id),
        );
    }
  // Only the relay says whose a concern is: only those that open to this member are unsealed.
  const concerns: ConcernRecord[] = [];
  for (const s of await deps.store.concerns(p.id)) {
    if (openRelay(deps.secret, s.relay)?.memberId !== m.id) continue;
    const c = openConcern(deps.secret, s);
    if (!c) continue;
    concerns.push({
      reference: c.pseudonym,
      category: c.category,
      status: c.status,
      month: c.month,
      ...(c.organisation ? { organisation: c.organisation } : {}),
      messages: c.messages.map((x) => ({ from: x.from === 'reporter' ? 'you' : 'critical friend', day: x.day, text: x.text })),
    });
  }
  return {
    partnership: p.name,
    timezone: p.timezone,
    displayName: m.displayName,
    ...(org ? { organisation: { name: org.name, sector: org.sector } } : {}),
    role: m.role,
    joinedAt: m.joinedAt,
    ...(m.roleSince ? { roleSince: m.roleSince } : {}),
    checkIns,
    reviews,
    concerns,
  };
}

/** Everything Trellis holds about one person, across their partnerships. */
async function myData(deps: Deps, person: Person): Promise<MyData> {
  const memberships = await deps.store.membershipsOf(person);
  const sealed = memberships.find((m) => m.contact)?.contact;
  const email = sealed ? openContact(deps.secret, sealed) : undefined;
  const records: MembershipRecord[] = [];
  for (const m of memberships) {
    const r = await membershipData(deps, m);
    if (r) records.push(r);
  }
  return { generatedAt: deps.clock.now().toISOString(), platform: person.platform, ...(email ? { email } : {}), memberships: records };
}

/** At most this many lines in the chat (Teams lists 50, each cut at 300 characters): the file has the rest, whole. */
const MAX_ITEMS = 40;
const MAX_SHOWN_COMMENT = 150;
const clip = (text: string) => (text.length > MAX_SHOWN_COMMENT ? `${text.slice(0, MAX_SHOWN_COMMENT - 1)}…` : text);

/** One line per questionnaire, then one per answer: each short enough for any platform's list. */
function questionnaireLines(partnership: string, q: QuestionnaireRecord, tz: string): string[] {
  const head = `${partnership}, ${q.what} (${formatLocal(q.openedAt, tz)})`;
  if (!q.answered) return [`${head}: you were asked and did not answer`];
  return [
    `${head}: you answered`,
    ...q.answers!.map((a) => `${q.what}: ${a.statement} — ${clip(a.answer)}`),
    ...(q.comment ? [`${q.what}, your comment: ${clip(q.comment)}`] : []),
  ];
}

/** `my data`: the private view and the link to the file. Asked in a shared channel, only a pointer to the private chat. */
export async function myDataCommand(deps: Deps, person: Person, place: Place): Promise<Message> {
  if (place.kind === 'channel') return info(IN_A_CHANNEL, { title: 'Your data' });
  const first = (await deps.store.membershipsOf(person))[0];
  if (!first) return info(NOTHING, { title: 'Your data' });
  const data = await myData(deps, person);
  const items: string[] = [];
  const typed: string[] = [];
  if (data.email) items.push(`Your email address: ${data.email}`);
  for (const m of data.memberships) {
    typed.push(m.partnership, m.displayName, ...(m.organisation ? [m.organisation.name] : []));
    items.push(
      `${m.partnership}: ${m.role}${m.organisation ? ` of ${m.organisation.name} (${m.organisation.sector})` : ', independent'}, as ${m.displayName}, since ${formatLocal(m.joinedAt, m.timezone)}`,
    );
    for (const q of [...m.checkIns, ...m.reviews]) {
      typed.push(...(q.answers ?? []).flatMap((a) => [a.statement, clip(a.answer)]), ...(q.comment ? [clip(q.comment)] : []));
      items.push(...questionnaireLines(m.partnership, q, m.timezone));
    }
    // A concern's words are read in its private form, or in the file: never in a chat message.
    for (const c of m.concerns)
      items.push(
        `${m.partnership}, your concern ${c.reference} (${c.category}, ${c.status}): ${c.messages.length} message${c.messages.length === 1 ? '' : 's'}`,
      );
  }
  // The link names one membership; opening it finds the person, and so all of theirs.
  const token = signLink(deps.secret, { partnershipId: first.partnershipId, memberId: first.id, generation: 0 }, 'my-data', deps.clock.now());
  const shown = items.slice(0, MAX_ITEMS);
  return withLiterals(
    info(
      [
        "Everything Trellis holds about you. Only you see this, and it shows nothing of anyone else's answers or concerns.",
        ...(items.length > shown.length ? [`These are the first ${shown.length} of ${items.length} lines; the file has them all.`] : []),
        `Download it all as a JSON file (the link works for ${MY_DATA_LINK_HOURS} hour and opens only your data; please don't forward it):`,
        `${deps.publicUrl()}/my-data/${token}`,
      ].join('\n'),
      { title: 'Your data', items: shown },
    ),
    typed,
  );
}

const FORGED = 'This link is not valid. Type `my data` to Trellis for a new one.';
const GONE = 'This link was made for someone who is no longer in that partnership. Type `my data` to Trellis for a new one.';

/** The file behind a `my data` link: only the data of the person it was made for, while it lasts. */
export async function myDataFile(
  deps: Deps,
  token: string,
): Promise<{ ok: true; filename: string; data: MyData } | { ok: false; status: number; message: string }> {
  const link = verifyLink(deps.secret, token, 'my-data', deps.clock.now());
  if (!link.ok) return link.status === 403 ? { ok: false, status: 403, message: FORGED } : link;
  const holder = (await deps.store.members(link.partnershipId)).find((m) => m.id === link.memberId);
  if (!holder) return { ok: false, status: 410, message: GONE };
  const data = await myData(deps, holder);
  return { ok: true, filename: `trellis-my-data-${data.generatedAt.slice(0, 10)}.json`, data };
}
