// trends, trends <factor>, trends by sector, trends settings.
import { failure, info, success, type Message } from '../message.js';
import type { Deps } from '../deps.js';
import { DEFAULT_ALERTS } from '../model.js';
import { requireCoordinator, requireMember, type Context } from '../context.js';
import { sparkline } from './sparkline.js';
import { breakdowns } from './compute.js';
import { describeChange } from './digest.js';
import { chartOf, HEADLINE, indexSeries, loadHistory } from './history.js';
import { BREAKDOWN_FACTORS } from './dashboard.js';
import type { LinkCommand, TrendsCommand } from './trends-grammar.js';
import { openRoundOf } from '../survey/rounds.js';
import { formatLocal } from '../time.js';

const NO_DATA = 'No check-in has closed yet, so there are no trends to show. Coordinators open one with `survey now`.';

export async function trends(deps: Deps, ctx: Context, cmd: Exclude<TrendsCommand, LinkCommand>): Promise<Message> {
  const p = ctx.partnership;
  if (cmd.name === 'trends') {
    const refused = requireMember(ctx);
    if (refused) return refused;
  } else {
    const refused = await requireCoordinator(deps.store, ctx, cmd.name === 'trends by sector' ? 'see breakdowns by sector' : 'change alert settings');
    if (refused) return refused;
  }
  if (cmd.name === 'trends settings') {
    const alerts = {
      ...(p.alerts ?? DEFAULT_ALERTS),
      ...(cmd.notablePoints ? { notablePoints: cmd.notablePoints } : {}),
      ...(cmd.floor !== undefined ? { floor: cmd.floor } : {}),
    };
    await deps.store.savePartnership({ ...p, alerts });
    return success(
      `A change of ${alerts.notablePoints} points or more (beyond its uncertainty) is notable; trust or commitment under ${alerts.floor} alerts coordinators and the critical friend.`,
    );
  }
  const h = await loadHistory(deps, p);
  // While a check-in is open, say when its results come (in the partnership's own time), not only that none have.
  const open = await openRoundOf(deps, p.id);
  const openNow =
    open && open.kind !== 'closing'
      ? `Check-in #${open.number} is open until ${formatLocal(open.closesAt, p.timezone)} (${p.timezone} time); its results come when it closes.`
      : undefined;
  if (h.summaries.length === 0) return info(openNow ?? NO_DATA);
  const shown = h.summaries.filter((s) => s.visible);
  if (cmd.name === 'trends by sector') {
    const latest = [...h.data].reverse().find((d) => d.answered >= d.k);
    if (!latest)
      return info(`No check-in yet had enough answers (${p.threshold} or more, or the higher threshold it opened with), so there is nothing to break down.`);
    const items = BREAKDOWN_FACTORS.flatMap((f) =>
      breakdowns(h.bank, latest, f, h.orgs).map(
        (b) => `${h.bank.factor(f)?.label ?? f} by ${b.by}: ${b.cells.map((c) => (c.hidden ? `${c.group} —` : `${c.group} ${c.index} (${c.n})`)).join(' · ')}`,
      ),
    );
    return info(`Check-in #${latest.round.number}. Groups under ${latest.k} people are shown as —, and so is whatever would let someone work them out.`, {
      title: `${p.name}: by sector and organisation`,
      items,
    });
  }

  if (cmd.factor) {
    const factor = h.bank.factor(cmd.factor);
    if (!factor) return failure(`"${cmd.factor}" is not a factor. Factors: ${h.bank.factors.map((f) => f.factor).join(', ')}.`);
    const series = indexSeries(h.summaries, factor.factor);
    const last = [...h.summaries].reverse().find((s) => s.factors.some((f) => f.factor === factor.factor && f.index !== null));
    const result = last?.factors.find((f) => f.factor === factor.factor);
    if (!last || !result)
      return info(`${factor.label} has not yet had enough answers in a round (${p.threshold} or more, or the higher threshold the round opened with).`);
    const d = result.distribution!;
    return info(
      `${factor.label} ${result.index} in check-in #${last.number} (${result.n} people; disagreement ${result.spread}). ${sparkline(series.slice(-12))}`,
      {
        title: `${p.name}: ${factor.label}`,
        fields: [
          { label: 'People who agree, on the whole', value: String(d.agree) },
          { label: 'Neither', value: String(d.neither) },
          { label: 'Who disagree, on the whole', value: String(d.disagree) },
          { label: 'Preferred not to say', value: String(d.skipped) },
        ],
        chart: chartOf(`${factor.label} (0–100)`, h.summaries, [{ factor: factor.factor, label: factor.label }]),
      },
    );
  }

  if (shown.length === 0)
    return info(`No check-in yet had enough answers (${p.threshold} or more, or the higher threshold it opened with), so no results can be shown.`);
  const latest = h.summaries.at(-1)!;
  const lines = HEADLINE.map((f) => {
    const c = h.changes.find((x) => x.factor === f.factor);
    return `${c && latest.visible ? describeChange(c) : `${f.label}: not enough answers in the latest round`} ${sparkline(indexSeries(h.summaries, f.factor).slice(-12))}`;
  });
  lines.push(`Participation in check-in #${latest.number}: ${latest.answered} of ${latest.invited} (${Math.round(latest.rate * 100)}%).`);
  if (openNow) lines.push(openNow);
  return info(lines.join('\n'), { title: `${p.name}: trends`, chart: chartOf('Trust and commitment (0–100)', h.summaries, HEADLINE) });
}
