// The `survey …` commands. Counts, never names: no command says who has or
// has not answered.
import { deliveries, turnout } from './turnout.js';
import { commandButton, failure, info, success, type Message } from '../message.js';
import type { Deps } from '../deps.js';
import type { SurveyCommand } from './survey-grammar.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { bankFor, MAX_ROTATING_FACTORS, slug } from './bank.js';
import { formatDuration } from './duration.js';
import { formatLocal } from '../time.js';
import { nextSlot } from './schedule.js';
import { cancelRound, closeRound, countedRounds, openRound, openRoundOf } from './rounds.js';
import type { Partnership, Round, Schedule } from '../model.js';
import type { FormCommand } from '../command-forms.js';
import { thresholdFor } from '../promised-threshold.js';

const MAX_CUSTOM_PER_FACTOR = 4;

export const describeSchedule = (s: Schedule, partnership: Partnership) => {
  const day =
    typeof s.day === 'number'
      ? `day ${s.day} of each month`
      : s.cadence === 'monthly'
        ? `the first ${cap(s.day)} of each month`
        : `${s.cadence === 'weekly' ? 'every' : 'every other'} ${cap(s.day)}`;
  return `${day} at ${s.time} (${partnership.timezone})`;
};
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const pct = (a: number, b: number) => (b ? `${Math.round((100 * a) / b)}%` : '—');

/** Who may run check-ins: the typed commands and their forms refuse alike. */
export const mayRunCheckIns = (deps: Deps, ctx: Context) => requireCoordinator(deps.store, ctx, 'run check-ins');

const roundName = (r: Round) => (r.kind === 'closing' ? 'Closing check-in' : `${r.kind === 'healthcheck' ? 'Health check' : 'Check-in'} #${r.number}`);
/** A confirmation button names its check-in: clicked late, it never acts on a later one. */
const noLongerOpen = (n: number, open: Round | undefined, doing: string) =>
  failure(`Check-in #${n} is no longer open${open ? ` (#${open.number} is)` : ''}; nothing was ${doing}.`);

export async function survey(deps: Deps, ctx: Context, cmd: Exclude<SurveyCommand, FormCommand>): Promise<Message> {
  if (cmd.name === 'survey status') return requireMember(ctx) ?? status(deps, ctx.partnership);
  const refused = await mayRunCheckIns(deps, ctx);
  if (refused) return refused;
  const partnership = ctx.partnership;
  const now = deps.clock.now();

  switch (cmd.name) {
    case 'survey schedule': {
      if (!cmd.schedule) {
        const { schedule: _off, ...rest } = partnership;
        await deps.store.savePartnership(rest);
        return success('Scheduled check-ins are off. `survey now` still opens one whenever you like.');
      }
      const schedule: Schedule = { ...cmd.schedule, since: now.toISOString() };
      await deps.store.savePartnership({ ...partnership, schedule });
      return success(
        `Check-ins for ${partnership.name}: ${describeSchedule(schedule, partnership)}. The next opens ${formatLocal(nextSlot(schedule, partnership.timezone, now.getTime()), partnership.timezone)}.`,
      );
    }
    case 'survey now': {
      const open = await openRoundOf(deps, partnership.id);
      if (open)
        return failure(
          `Check-in #${open.number} is still open (until ${formatLocal(open.closesAt, partnership.timezone)}). Close it first with \`survey close\`.`,
        );
      if ((await deps.store.members(partnership.id)).every((m) => m.role === 'critical-friend'))
        return failure('There is nobody to ask yet: members join with `join <invite-code> <organisation>`.');
      const { round, invited, unreachable } = await openRound(deps, partnership, cmd.kind, cmd.windowMinutes ? { windowMinutes: cmd.windowMinutes } : {});
      const what = cmd.kind === 'healthcheck' ? `Health check #${round.number} (all ${round.itemIds.length} statements)` : `Check-in #${round.number}`;
      const missing = unreachable
        ? ` ${unreachable} of them cannot be messaged yet: on Teams, a person must open a chat with Trellis once; on Slack, their organisation's workspace must have Trellis installed.`
        : '';
      return success(
        `${what} is open until ${formatLocal(round.closesAt, partnership.timezone)}, sent privately to ${invited} member${invited === 1 ? '' : 's'}.${missing}`,
      );
    }
    case 'survey close': {
      const open = await openRoundOf(deps, partnership.id);
      if (cmd.round !== undefined && cmd.round !== open?.number) return noLongerOpen(cmd.round, open, 'closed');
      if (!open) return info('No check-in is open. Open one with `survey now`.');
      if (cmd.round === undefined) {
        // Closing under the threshold publishes no results: worth a second thought.
        const sofar = await turnout(deps, open);
        const k = thresholdFor(partnership, open.threshold);
        if (sofar.answered < k)
          return info(
            `Only ${sofar.answered} of ${sofar.invited} have answered ${roundName(open)} — fewer than ${k}, the smallest group whose results are ever shown, so closing it now publishes no results. Close it anyway?`,
            {
              title: `Close ${roundName(open)}?`,
              buttons: [commandButton('Close anyway', `survey close ${open.number}`, 'danger'), commandButton('Keep it open', 'survey status')],
            },
          );
      }
      const { answered, invited } = await closeRound(deps, partnership, open);
      return success(`Check-in #${open.number} is closed: ${answered} of ${invited} answered (${pct(answered, invited)}).`);
    }
    case 'survey cancel': {
      const open = await openRoundOf(deps, partnership.id);
      if (cmd.round !== undefined && cmd.round !== open?.number) return noLongerOpen(cmd.round, open, 'cancelled');
      if (!open) return info('No check-in is open, so there is nothing to cancel.');
      if (cmd.round === undefined) {
        const sofar = await turnout(deps, open);
        return info(
          `Cancel ${roundName(open)}? It is discarded as if never opened: the ${sofar.answered} answer${sofar.answered === 1 ? '' : 's'} given so far are deleted, it appears in no trends, digest, dashboard or export, and each of the ${sofar.invited} people asked sees it marked cancelled. This cannot be undone.`,
          {
            title: `Cancel ${roundName(open)}?`,
            buttons: [commandButton('Cancel the check-in', `survey cancel ${open.number}`, 'danger'), commandButton('Keep it', 'survey status')],
          },
        );
      }
      await cancelRound(deps, partnership, open);
      const next = partnership.schedule
        ? ` The schedule is unchanged: the next opens ${formatLocal(nextSlot(partnership.schedule, partnership.timezone, now.getTime()), partnership.timezone)}.`
        : '';
      return success(
        `${roundName(open)} is cancelled: its answers are deleted and it counts nowhere. Each person it was sent to sees it marked cancelled.${next}`,
      );
    }
    case 'survey settings': {
      const survey = {
        ...partnership.survey,
        ...(cmd.remindAfterMinutes ? { remindAfterMinutes: cmd.remindAfterMinutes } : {}),
        ...(cmd.windowMinutes ? { windowMinutes: cmd.windowMinutes } : {}),
      };
      if (survey.remindAfterMinutes >= survey.windowMinutes) {
        return failure(
          `The reminder (after ${formatDuration(survey.remindAfterMinutes)}) must come before the check-in closes (after ${formatDuration(survey.windowMinutes)}).`,
        );
      }
      await deps.store.savePartnership({ ...partnership, survey });
      return success(
        `Check-ins stay open ${formatDuration(survey.windowMinutes)}; anyone who has not answered is reminded after ${formatDuration(survey.remindAfterMinutes)}.`,
      );
    }
    case 'survey question add':
      return addQuestion(deps, partnership, cmd.factor, cmd.text);
  }
}

async function status(deps: Deps, partnership: Partnership): Promise<Message> {
  const rounds = (await countedRounds(deps, partnership.id)).sort((a, b) => b.number - a.number);
  const fields = [
    { label: 'Schedule', value: partnership.schedule ? describeSchedule(partnership.schedule, partnership) : 'none (use `survey schedule`)' },
    {
      label: 'Window and reminder',
      value: `open ${formatDuration(partnership.survey.windowMinutes)}, reminder after ${formatDuration(partnership.survey.remindAfterMinutes)}`,
    },
  ];
  if (partnership.schedule)
    fields.push({
      label: 'Next scheduled',
      value: formatLocal(nextSlot(partnership.schedule, partnership.timezone, deps.clock.now().getTime()), partnership.timezone),
    });
  // Asked people the platform cannot reach now are counted, never named.
  const unreachable = await deps.deliveryStatus.unreachable((await deps.store.members(partnership.id)).filter((m) => m.role !== 'critical-friend'));
  if (unreachable)
    fields.push({
      label: 'Cannot be reached',
      value: `${unreachable} member${unreachable === 1 ? '' : 's'} (their organisation's workspace removed Trellis, or on Teams they have not opened a chat with it yet): check-ins do not reach them`,
    });
  const latest = rounds[0];
  if (!latest) return info('No check-ins yet.', { title: 'Check-ins', fields });
  const { invited, answered } = await turnout(deps, latest);
  if (!latest.closedAt) {
    const { queued, failed } = await deliveries(deps, latest);
    if (queued)
      fields.push({ label: 'Still being sent', value: `${queued} check-in${queued === 1 ? '' : 's'} (Slack and Teams take messages at their own pace)` });
    if (failed)
      fields.push({
        label: 'Not delivered',
        value: `${failed} check-in${failed === 1 ? '' : 's'} refused by the platform (for example a deactivated account)`,
      });
  }
  const state = latest.closedAt
    ? `closed ${formatLocal(latest.closedAt, partnership.timezone)}`
    : `open until ${formatLocal(latest.closesAt, partnership.timezone)}`;
  return info(`Check-in #${latest.number} is ${state}: ${answered} of ${invited} answered (${pct(answered, invited)}).`, { title: 'Check-ins', fields });
}

async function addQuestion(deps: Deps, partnership: Partnership, factorName: string, text: string): Promise<Message> {
  const custom = await deps.store.customItems(partnership.id);
  const bank = bankFor(custom);
  const existing = bank.factor(factorName) ?? bank.factor(slug(factorName));
  if (existing) {
    if (custom.filter((c) => c.factor === existing.factor).length >= MAX_CUSTOM_PER_FACTOR)
      return failure(`${existing.label} already has ${MAX_CUSTOM_PER_FACTOR} statements of your own; that is the most a factor takes.`);
    if (existing.items.some((i) => i.text.toLowerCase() === text.toLowerCase())) return failure(`${existing.label} already asks that.`);
    await deps.store.saveCustomItem({ id: `custom-${deps.newId()}`, partnershipId: partnership.id, factor: existing.factor, text });
    return success(`Added to ${existing.label}: "${text}". It joins the rotation from the next check-in.`);
  }
  const rotating = bank.factors.filter((f) => !f.core).length;
  if (rotating >= MAX_ROTATING_FACTORS)
    return failure(
      `${partnership.name} already has ${rotating} rotating factors — the most that can each be asked at least once every 4 check-ins. Add the statement to an existing factor instead.`,
    );
  await deps.store.saveCustomItem({ id: `custom-${deps.newId()}`, partnershipId: partnership.id, factor: slug(factorName), factorLabel: factorName, text });
  return success(`Created the factor "${factorName}" with the statement "${text}". It joins the rotation from the next check-in.`);
}
