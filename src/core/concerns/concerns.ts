// Raising a concern, delivering it after a random delay, and the two-way
// conversation — with no stored link to the reporter but the sealed relay.
// A critical friend reads a concern only while they hold the role and are among
// its `friendIds` (raised to them, or handed to them by its reporter).
import { closedRefusal, isClosed } from '../commands/closed.js';
import { failure, info, success, type Message, type Reply } from '../message.js';
import type { Deps } from '../deps.js';
import { CONCERN_CATEGORIES, type Concern, type Member, type ConcernCategory, type Partnership } from '../model.js';
import type { Caller } from '../request.js';
import { localToday } from '../time.js';
import { FRIEND_OPEN, friendForm, HAND_TO, MAX_CONCERN_TEXT, raiseForm, REPORTER_OPEN, reporterForm } from './concern-forms.js';
import { loadConcern, saveConcern } from './concern-seal.js';
import { freeSlot, takeSlot } from './quota.js';
import { newPseudonym, openRelay, sealRelay } from './relay.js';
import { sendPrivate, sendToEach } from '../send.js';

export const friendsOf = async (deps: Deps, partnershipId: string) => (await deps.store.members(partnershipId)).filter((m) => m.role === 'critical-friend');
/** The critical friends who may read `c` now: in the role, and among those it is addressed to. */
const readersOf = async (deps: Deps, c: Concern) => (await friendsOf(deps, c.partnershipId)).filter((f) => c.friendIds.includes(f.id));

export async function raiseConcernForm(deps: Deps, caller: Caller): Promise<Reply> {
  const mine = await deps.store.membershipsOf(caller);
  const partnerships: Partnership[] = [];
  for (const m of mine) {
    const p = await deps.store.partnership(m.partnershipId);
    // A closed partnership takes no new concerns (commands/closing.ts).
    if (p && !p.closedAt && (await friendsOf(deps, p.id)).length) partnerships.push(p);
  }
  if (mine.length === 0) return failure("You're not in a partnership yet, so there is no critical friend to write to.");
  if (partnerships.length === 0) return failure('Your partnership has no critical friend yet. A coordinator names one with `role <member> critical-friend`.');
  const org =
    partnerships.length === 1
      ? (await deps.store.organisations(partnerships[0]!.id)).find((o) => o.id === mine.find((m) => m.partnershipId === partnerships[0]!.id)?.organisationId)
          ?.name
      : undefined;
  return { form: raiseForm(partnerships, org, 'concern') };
}

export async function raiseConcern(deps: Deps, caller: Caller, context: string, values: Record<string, string>): Promise<Message> {
  const partnershipId = context === 'choose' ? values.partnership : context;
  const member = (await deps.store.membershipsOf(caller)).find((m) => m.partnershipId === partnershipId);
  const p = member && (await deps.store.partnership(member.partnershipId));
  if (!member || !p) return { ...failure('Choose one of your partnerships.'), fieldErrors: { partnership: 'Choose one of your partnerships.' } };
  if (isClosed(p)) return closedRefusal(p);
  const friends = await friendsOf(deps, p.id);
  if (friends.length === 0) return failure(`${p.name} has no critical friend yet; nothing was sent.`);
  const errors: Record<string, string> = {};
  const category = CONCERN_CATEGORIES.find((c) => c === values.category) as ConcernCategory | undefined;
  if (!category) errors.category = 'Choose what it is about.';
  const happening = (values.happening ?? '').trim();
  if (!happening) errors.happening = 'Say what is happening — a sentence or two is enough.';
  else if (happening.length > MAX_CONCERN_TEXT) errors.happening = `Please keep it under ${MAX_CONCERN_TEXT} characters (this is ${happening.length}).`;
  const help = (values.help ?? '').trim();
  if (help.length > 1000) errors.help = 'Please keep it under 1000 characters.';
  if (!['yes', 'no'].includes(values.organisation ?? 'no')) errors.organisation = 'Choose yes or no.';
  if (!['yes', 'no'].includes(values.consent ?? 'no')) errors.consent = 'Choose yes or no.';
  if (Object.keys(errors).length) return { ...failure('Some fields need another look; nothing was sent.'), fieldErrors: errors };

  const now = deps.clock.now();
  const day = localToday(p.timezone, now);
  const slot = await freeSlot(deps, member, day);
  if (!slot)
    return failure(
      `You have raised ${deps.concernsPerDay} concerns today, the most Trellis takes from one person in a day. Nothing was sent; please try again tomorrow.`,
    );
  const org =
    values.organisation === 'yes' && member.organisationId
      ? (await deps.store.organisations(p.id)).find((o) => o.id === member.organisationId)?.name
      : undefined;
  const taken = new Set((await deps.store.concerns(p.id)).map((c) => c.pseudonym));
  let pseudonym = newPseudonym();
  while (taken.has(pseudonym)) pseudonym = newPseudonym();
  const delay = Math.floor(deps.random() * (deps.concernDelayMaxSeconds + 1));
  const concern: Concern = {
    id: deps.newId(),
    partnershipId: p.id,
    pseudonym,
    category: category!,
    ...(org ? { organisation: org } : {}),
    mayAskToEscalate: values.consent === 'yes',
    messages: [{ from: 'reporter', text: help ? `${happening}\n\nWhat would help: ${help}` : happening, day }],
    status: 'pending',
    deliverAt: new Date(now.getTime() + delay * 1000).toISOString(),
    month: day.slice(0, 7),
    threshold: p.threshold,
    relay: sealRelay(deps.secret, { platform: caller.platform, workspace: caller.workspace, userId: caller.userId, memberId: member.id }),
    friendIds: friends.map((f) => f.id),
  };
  await saveConcern(deps, concern);
  await takeSlot(deps, slot);
  const when =
    deps.concernDelayMaxSeconds > 0
      ? ` within ${Math.ceil(deps.concernDelayMaxSeconds / 60)} minutes (a random delay, so the timing does not point to you)`
      : '';
  return success(
    `Sent. Your reference is *${pseudonym}*. The critical friend will receive it${when}. When they reply you will get a private note; read and answer it from there.`,
  );
}

/** Due deliveries: content-free notes to the critical friends, the concern itself behind the button. */
export async function deliverConcerns(deps: Deps, p: Partnership): Promise<void> {
  const now = deps.clock.now().getTime();
  for (const head of await deps.store.concerns(p.id)) {
    if (head.status !== 'pending' || !head.deliverAt || Date.parse(head.deliverAt) > now) continue;
    const c = await loadConcern(deps, head.id);
    if (!c) continue;
    const { deliverAt: _sent, ...delivered } = c;
    await saveConcern(deps, { ...delivered, status: 'open' });
    await notifyFriends(deps, { ...delivered, status: 'open' }, `A new concern, ${c.pseudonym}, from a member of ${p.name}.`);
  }
}

/** A content-free note to the critical friends who may read `c`, the concern behind the button. */
export async function notifyFriends(deps: Deps, c: Concern, text: string) {
  const message = info(text, {
    title: `Concern ${c.pseudonym}`,
    buttons: [{ actionId: FRIEND_OPEN, label: 'Read and reply', value: c.id, style: 'primary', opensForm: true }],
  });
  await sendToEach(deps, await readersOf(deps, c), message, { kind: 'concern note', partnershipId: c.partnershipId });
}

/** A content-free note to whoever raised `c`, through the sealed relay; they read it in their private view. */
export async function notifyReporter(deps: Deps, c: Concern, text: string) {
  const reporter = await reporterOf(deps, c);
  if (!reporter) return;
  const note = info(text, {
    title: `Your concern ${c.pseudonym}`,
    buttons: [{ actionId: REPORTER_OPEN, label: 'Read and answer', value: c.id, style: 'primary', opensForm: true }],
  });
  await sendPrivate(deps, reporter, note, { kind: 'concern note', partnershipId: c.partnershipId });
}

/** Whoever raised `c`, as their membership names them now (a person from before workspaces has since been given theirs). */
async function reporterOf(deps: Deps, c: Concern): Promise<Member | undefined> {
  const r = openRelay(deps.secret, c.relay);
  return r && (await deps.store.members(c.partnershipId)).find((m) => m.id === r.memberId);
}

type Side = { ok: true; c: Concern; p: Partnership } | { ok: false; reply: Message };
const NOT_YOURS: Side = { ok: false, reply: failure("That concern isn't one you can open.") };

async function asFriend(deps: Deps, caller: Caller, id: string): Promise<Side> {
  const c = await loadConcern(deps, id);
  const me = c && (await deps.store.membershipsOf(caller)).find((m) => m.partnershipId === c.partnershipId);
  if (!c || me?.role !== 'critical-friend' || !c.friendIds.includes(me.id) || c.status === 'pending') return NOT_YOURS;
  return { ok: true, c, p: (await deps.store.partnership(c.partnershipId))! };
}

async function asReporter(deps: Deps, caller: Caller, id: string): Promise<Side> {
  const c = await loadConcern(deps, id);
  const r = c && openRelay(deps.secret, c.relay);
  const me = r && (await deps.store.membershipsOf(caller)).find((m) => m.partnershipId === c.partnershipId);
  if (!c || !r || me?.id !== r.memberId) return NOT_YOURS;
  return { ok: true, c, p: (await deps.store.partnership(c.partnershipId))! };
}

export async function openAsFriend(deps: Deps, caller: Caller, id: string): Promise<Reply> {
  const s = await asFriend(deps, caller, id);
  return s.ok ? { form: friendForm(s.c) } : s.reply;
}

export async function openAsReporter(deps: Deps, caller: Caller, id: string): Promise<Reply> {
  const s = await asReporter(deps, caller, id);
  return s.ok ? { form: reporterForm(s.c, await friendsOf(deps, s.c.partnershipId)) } : s.reply;
}

const tooLong = (t: string) => t.length > MAX_CONCERN_TEXT;

export async function friendSubmit(deps: Deps, caller: Caller, id: string, values: Record<string, string>): Promise<Message> {
  const s = await asFriend(deps, caller, id);
  if (!s.ok) return s.reply;
  const { p } = s;
  const reply = (values.reply ?? '').trim();
  const escalate = (values.escalate ?? '').trim();
  const status = values.status ?? s.c.status;
  if (!['open', 'acknowledged', 'resolved', 'closed'].includes(status)) return { ...failure('Choose a status.'), fieldErrors: { status: 'Choose a status.' } };
  if (tooLong(reply) || tooLong(escalate))
    return {
      ...failure('That is too long; nothing was sent.'),
      fieldErrors: tooLong(reply) ? { reply: `Keep it under ${MAX_CONCERN_TEXT} characters.` } : { escalate: `Keep it under ${MAX_CONCERN_TEXT} characters.` },
    };
  if (escalate && (!s.c.mayAskToEscalate || s.c.escalation))
    return failure('The person did not agree to be asked about raising this, or has been asked already; nothing was sent.');
  if (s.c.status === 'closed') return failure('This conversation is closed.');
  const day = localToday(p.timezone, deps.clock.now());
  const c: Concern = {
    ...s.c,
    status: status as Concern['status'],
    messages: reply ? [...s.c.messages, { from: 'friend', text: reply, day }] : s.c.messages,
    ...(escalate ? { escalation: { status: 'requested' as const, proposed: escalate } } : {}),
  };
  await saveConcern(deps, c);
  const parts = [reply && 'a reply', escalate && 'a question about raising it with the coordinators'].filter(Boolean).join(' and ');
  const changed = status !== s.c.status;
  const note = parts
    ? `You have ${parts} from the critical friend about your concern ${c.pseudonym}${changed ? ` (now ${status})` : ''}.`
    : changed
      ? `The critical friend marked your concern ${c.pseudonym} as ${status}.`
      : undefined;
  if (note) await notifyReporter(deps, c, note);
  return success(note ? `Sent to the person behind ${c.pseudonym}.` : 'Nothing changed.');
}

export async function reporterSubmit(deps: Deps, caller: Caller, id: string, values: Record<string, string>): Promise<Message> {
  const s = await asReporter(deps, caller, id);
  if (!s.ok) return s.reply;
  const { p } = s;
  if (s.c.status === 'closed') return failure('This conversation is closed. Raise a new concern with `concern` if you need to.');
  const reply = (values.reply ?? '').trim();
  const shared = (values.shared ?? '').trim();
  if (tooLong(reply) || tooLong(shared))
    return {
      ...failure('That is too long; nothing was sent.'),
      fieldErrors: tooLong(reply) ? { reply: `Keep it under ${MAX_CONCERN_TEXT} characters.` } : { shared: `Keep it under ${MAX_CONCERN_TEXT} characters.` },
    };
  const decision = s.c.escalation?.status === 'requested' ? values.escalation : undefined;
  if (decision === 'approve' && !shared)
    return { ...failure('Give the text to share, or choose No.'), fieldErrors: { shared: 'Give the text to share, or choose No.' } };
  // Only the reporter's own yes hands a conversation on, and only to the critical
  // friend they chose by name: the form names one, so a change of friend between
  // opening it and sending it hands nothing to someone they did not choose.
  const choice = s.c.handover === 'asked' ? (values.handover ?? '') : '';
  const handover = choice.startsWith(HAND_TO) ? 'hand' : choice || undefined;
  const chosen = handover === 'hand' ? (await friendsOf(deps, p.id)).find((f) => f.id === choice.slice(HAND_TO.length)) : undefined;
  if (handover === 'hand' && !chosen)
    return {
      ...failure('The critical friend you chose is no longer in the role, so nothing was changed. Open the conversation again to choose.'),
      fieldErrors: { handover: 'Open the conversation again to choose.' },
    };
  const handed = handover === 'hand' || handover === 'close';
  const { handover: _asked, ...rest } = s.c;
  const day = localToday(p.timezone, deps.clock.now());
  const c: Concern = {
    ...(handed ? rest : s.c),
    status: values.close === 'close' || handover === 'close' ? 'closed' : s.c.status,
    messages: reply ? [...s.c.messages, { from: 'reporter', text: reply, day }] : s.c.messages,
    friendIds: chosen ? [...new Set([...s.c.friendIds, chosen.id])] : s.c.friendIds,
    ...(decision === 'approve'
      ? { escalation: { ...s.c.escalation!, status: 'approved' as const, approved: shared } }
      : decision === 'decline'
        ? { escalation: { ...s.c.escalation!, status: 'declined' as const } }
        : {}),
  };
  await saveConcern(deps, c);
  if (decision === 'approve') {
    const note = info(`The critical friend raises this with the coordinators, with the agreement of the person who raised it (${c.pseudonym}):\n${shared}`, {
      title: `From the critical friend: ${p.name}`,
    });
    await sendToEach(
      deps,
      (await deps.store.members(p.id)).filter((x) => x.role === 'coordinator'),
      note,
      { kind: 'concern escalation', partnershipId: p.id },
    );
  }
  const news = [
    handover === 'hand' && c.status !== 'pending' && 'the person who raised it handed the conversation to you',
    reply && 'a new message',
    decision && `an answer about raising it (${decision === 'approve' ? 'yes' : 'no'})`,
    c.status === 'closed' && 'the conversation was closed',
  ]
    .filter(Boolean)
    .join(', ');
  if (news) await notifyFriends(deps, c, `${c.pseudonym}: ${news}.`);
  if (!news && !handed) return success('Nothing changed.');
  if (c.friendIds.length) return success('Sent to the critical friend.');
  return success(c.status === 'closed' ? 'The conversation is closed.' : 'Kept. No critical friend reads this conversation until you hand it to one.');
}
