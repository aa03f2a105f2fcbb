// The console: what this person can do now, as buttons grouped by job, for
// each of their partnerships. `menu` shows it anywhere; Slack's App Home, the
// playground's side panel and an email member's page show the same. Its
// command buttons name their partnership (RUN_IN), so a person in several
// partnerships acts in the right one wherever they click.
import { commandButton, info, partnershipButton, type Button, type Message, type Section } from './message.js';
import type { Deps } from './deps.js';
import type { Member, Partnership, Protocol } from './model.js';
import { DEFAULT_LEAD_DAYS } from './model.js';
import type { Caller } from './request.js';
import { describeMemberships } from './commands/members.js';
import { PLATFORM_NAMES } from './commands/partnership.js';
import { openCheckInButtons } from './survey/answers.js';
import { hasAnswered } from './answering.js';
import { OPEN_REVIEW, openReviewOf } from './protocols/reviews.js';
import { refOf } from './protocols/register.js';
import { daysBetween, formatLocal, localToday } from './time.js';
import { friendsOf } from './concerns/concerns.js';
import { friendConcerns, friendConversation, ownConcerns, reporterConversation, waitsForFriend } from './concerns/conversations.js';

/** Teams shows at most six buttons in a group. */
const MAX_BUTTONS = 6;
/** Start-review buttons in one console; the register lists the rest. */
const MAX_REVIEW_STARTS = 3;

const NOT_IN_A_PARTNERSHIP =
  "You're not in a partnership yet. To join one, ask its coordinator for the invite code and type `join <invite-code> <organisation>` (or `join` alone for a form). To start one, type `setup` in the channel that will be its home.";

/**
 * `shared`: asked in a shared channel. Not every platform can answer there for
 * the asker's eyes only (Teams cannot), so what is personal — whether they have
 * answered a check-in or a review, their own concerns, the critical friend's
 * waiting conversations — is left out, and only the jobs' buttons shown.
 */
export async function consoleView(deps: Deps, caller: Caller, shared = false): Promise<Message> {
  const memberships = await deps.store.membershipsOf(caller);
  if (memberships.length === 0) {
    // A setup form binds its partnership to where it was opened: offered only in a shared channel.
    const start = shared ? [{ ...commandButton('Set up a partnership here', 'setup', 'primary'), opensForm: true }] : [];
    return info(NOT_IN_A_PARTNERSHIP, {
      title: 'Trellis',
      buttons: [...start, { ...commandButton('Join with an invite code', 'join'), opensForm: true }, commandButton('Help', 'help')],
    });
  }
  const several = memberships.length > 1;
  const sections: Section[] = [];
  const toAnswer = shared ? [] : await openCheckInButtons(deps, memberships);
  const homes: string[] = [];
  for (const m of memberships) {
    const p = await deps.store.partnership(m.partnershipId);
    if (!p) continue;
    if (!shared) toAnswer.push(...(await reviewButtons(deps, p, m)));
    if (p.homes.length) homes.push(`${p.name} in ${p.homes.map((h) => `${h.label} (${PLATFORM_NAMES[h.platform]})`).join(', ')}`);
    const mine = await sectionsFor(deps, p, m, shared);
    sections.push(...mine.map((s) => ({ ...s, title: several ? `${p.name}: ${s.title}` : s.title, buttons: s.buttons.slice(0, MAX_BUTTONS) })));
  }
  // Typed commands act in the partnership of the channel they are typed in; the buttons below name theirs.
  const text = [
    several
      ? `What you can do now, partnership by partnership; each button acts in its own partnership, wherever you click it. To type a command, use the home channel: ${homes.join('; ')}.`
      : 'What you can do now:',
    ...(shared ? ['What waits for you personally (check-ins, reviews, your concerns) is shown only in a private chat with Trellis: type `menu` there.'] : []),
  ].join('\n');
  return info(text, { title: 'Trellis', items: await describeMemberships(deps, memberships), buttons: toAnswer.slice(0, MAX_BUTTONS), sections });
}

async function sectionsFor(deps: Deps, p: Partnership, m: Member, shared: boolean): Promise<Section[]> {
  const run = (label: string, command: string, extra: Pick<Button, 'style' | 'opensForm' | 'readOnly'> = {}) => partnershipButton(label, p.id, command, extra);
  // Commands that only show something: a web page (an email member's) runs them on opening the link.
  const show = (label: string, command: string) => run(label, command, { readOnly: true });
  const sections: Section[] = [];
  const coordinator = m.role === 'coordinator';
  const protocols = await deps.store.protocols(p.id);

  // A closed partnership changes nothing more: its coordinators keep only what reads.
  if (coordinator && !p.closedAt) {
    const open = (await deps.store.rounds(p.id)).find((r) => !r.closedAt);
    sections.push({
      title: 'Check-ins',
      text: open ? `Check-in #${open.number} is open until ${formatLocal(open.closesAt, p.timezone)}.` : 'No check-in is open.',
      buttons: [
        run('Schedule check-ins', 'survey schedule', { opensForm: true }),
        ...(open ? [run('Close it now', 'survey close'), run('Cancel it', 'survey cancel', { style: 'danger' })] : [run('Open one now', 'survey now')]),
      ],
    });
    sections.push({
      title: 'Partners',
      buttons: [
        run('Add an organisation', 'org add', { opensForm: true }),
        show('Invite code', 'invite'),
        run('Change a role', 'role', { opensForm: true }),
        // Last: the one button that ends the partnership (it asks first).
        run('Close the partnership', 'partnership close', { style: 'danger' }),
      ],
    });
  }

  const starts = startableReviews(deps, p, protocols, m);
  // Reviews this person may close (coordinators any, an owner their own): otherwise only `review close` typed would.
  const closable = protocols.filter((x) => openReviewOf(x) && (coordinator || x.ownerMemberId === m.id));
  const protocolText = [
    ...(starts.length ? [`Due for review: ${starts.map((x) => refOf(x)).join(', ')}.`] : []),
    ...(closable.length ? [`Under review: ${closable.map((x) => refOf(x)).join(', ')}.`] : []),
  ].join(' ');
  if (coordinator || starts.length || closable.length)
    sections.push({
      title: 'Protocols',
      ...(protocolText ? { text: protocolText } : {}),
      buttons: [
        ...(coordinator ? [run('Add a protocol', 'protocol add', { opensForm: true })] : []),
        show('The register', 'protocol list'),
        ...starts.slice(0, MAX_REVIEW_STARTS).map((x) => run(`Start review ${refOf(x)}`, `review start ${refOf(x)}`)),
        ...(closable.length ? [run('Close a review', 'review close', { opensForm: true })] : []),
      ],
    });

  if (m.role === 'critical-friend') {
    const live = shared ? [] : await friendConcerns(deps, m);
    const waiting = live.filter(waitsForFriend);
    sections.push({
      title: 'Concerns',
      ...(shared ? {} : { text: `${live.length} open conversation${live.length === 1 ? '' : 's'}, ${waiting.length} waiting for your reply.` }),
      buttons: [
        show('Conversations', 'concerns'),
        show('Themes', 'concerns themes'),
        ...waiting.slice(0, 4).map((c) => ({ ...friendConversation(c).button, label: `Open ${c.pseudonym}` })),
      ],
    });
  } else {
    const own = shared ? [] : (await ownConcerns(deps, m)).map(reporterConversation);
    const hasFriend = (await friendsOf(deps, p.id)).length > 0;
    if (own.length || hasFriend)
      sections.push({
        title: 'Your concerns',
        text: own.length
          ? own.map((c) => `${c.title}: ${c.note}`).join('\n')
          : 'Raise a tension privately with the critical friend; nobody else learns it was you.',
        buttons: [
          ...(hasFriend ? [run('Raise a concern', 'concern', { opensForm: true })] : []),
          ...own.slice(0, MAX_BUTTONS - 1).map((c) => ({ ...c.button, label: `Open ${c.pseudonym}` })),
        ],
      });
  }

  sections.push({
    title: 'Results',
    buttons: coordinator
      ? [show('Trends', 'trends'), show('By sector', 'trends by sector'), run('Dashboard', 'dashboard'), run('Export', 'export')]
      : [show('Trends', 'trends')],
  });
  // A person's own rights, asked about privately only: `leave` asks before it erases anything, so showing it changes nothing.
  if (!shared)
    sections.push({
      title: 'Your data',
      buttons: [show('My data', 'my data'), run(leaveLabel(p), 'leave', { style: 'danger', readOnly: true })],
    });

  return sections;
}

/** Teams cuts a button's label at 40 characters: a long partnership's name is in the question the button asks. */
const leaveLabel = (p: Partnership) => (`Leave ${p.name}`.length <= 40 ? `Leave ${p.name}` : 'Leave this partnership');

/** One button per review the person was asked to answer and that is still open (beside the check-ins they were asked). */
async function reviewButtons(deps: Deps, p: Partnership, m: Member): Promise<Button[]> {
  const buttons: Button[] = [];
  for (const protocol of await deps.store.protocols(p.id)) {
    const review = protocol.reviews.find((r) => !r.closedAt);
    if (!review || !(await deps.store.invitation(review.id, m.id))) continue;
    const answered = await hasAnswered(deps, review.id, m.id);
    buttons.push({
      actionId: OPEN_REVIEW,
      label: `${p.name}: ${answered ? `see my review of ${refOf(protocol)}` : `review ${refOf(protocol)}`}`,
      value: `${protocol.id}:${review.id}`,
      opensForm: true,
      ...(answered ? {} : { style: 'primary' as const }),
    });
  }
  return buttons;
}

/** Protocols due within the first reminder's lead time or overdue, not under review, that this person may start (coordinators and the owner). */
function startableReviews(deps: Deps, p: Partnership, protocols: Protocol[], m: Member): Protocol[] {
  const today = localToday(p.timezone, deps.clock.now());
  const lead = Math.max(...(p.leadDays ?? DEFAULT_LEAD_DAYS));
  return protocols
    .filter((x) => x.status === 'active' && (m.role === 'coordinator' || x.ownerMemberId === m.id) && daysBetween(today, x.nextReview) <= lead)
    .sort((a, b) => a.nextReview.localeCompare(b.nextReview));
}
