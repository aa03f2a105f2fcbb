// The one Teams renderer: a core Message becomes a small Adaptive Card,
// sent as an attachment with a plain-text summary for notifications.
import { CardFactory, type Activity } from 'botbuilder';
import { chartPng } from '../../charts/chart-png.js';
import { type Button, type ChartSpec, type Message, renderLiterals } from '../../core/message.js';
import { chartAltText, chartSparkline } from '../chart-text.js';
import { MAX_VALUE_LENGTH, SUBMIT_VERB } from './to-request.js';

const LIMITS = { title: 150, text: 4000, fields: 20, items: 50, item: 300, buttons: 6, label: 40, summary: 300 } as const;

/**
 * Teams renders a subset of Markdown in a TextBlock: bold, italic, lists and
 * links, no code spans, and only a blank line breaks a line. So the core's
 * `*bold*` becomes `**bold**`, a `code` span is shown bold, and `\n` doubles.
 */
const markdown = (text: string): string =>
  text.replace(/`([^`\n]+)`|\*([^*\n]+)\*/g, (_m, code: string | undefined, bold: string | undefined) => `**${code ?? bold}**`).replace(/\n/g, '\n\n');

/** A name as typed: Teams' Markdown takes a backslash before punctuation it would otherwise read as emphasis, code or a link. */
export const literalMarkdown = (s: string): string => s.replace(/[\\*_~`[\]]/g, (c) => `\\${c}`);

/** Core text as Teams Markdown, the message's literal names shown as typed. */
export const toMarkdown = (text: string, literals?: readonly string[]): string => renderLiterals(text, literals, markdown, literalMarkdown);

/** Text Teams shows as it is, but for the literal names within it. */
const asTyped = (text: string, literals?: readonly string[]) => renderLiterals(text, literals, (t) => t, literalMarkdown);

/** Plain text: the core's markup removed, literal names kept as typed. */
export const toPlain = (text: string, literals?: readonly string[]): string =>
  renderLiterals(
    text,
    literals,
    (t) => t.replace(/`([^`\n]+)`|\*([^*\n]+)\*/g, (_m, code: string | undefined, bold: string | undefined) => code ?? bold ?? ''),
    (name) => name,
  );

const BUTTON_STYLES = { primary: 'positive', danger: 'destructive' } as const;

export interface SubmitData {
  /** Teams opens a dialog (a `task/fetch` invoke) instead of posting the click to the chat. */
  msteams?: { type: 'task/fetch' };
  verb: typeof SUBMIT_VERB;
  actionId: string;
  value: string;
}

/** A button that opens a private form must say so before the click: Teams then asks for a dialog. */
const TASK_FETCH = { msteams: { type: 'task/fetch' } } as const;

/** A link button opens its page and runs nothing; only an https address is offered. */
const HTTPS_URL = /^https:\/\/[^\s]+$/;
const MAX_URL_LENGTH = 2000;
const isLink = (b: Button): b is Button & { url: string } => b.url !== undefined;
const offered = (b: Button): boolean => (isLink(b) ? b.url.length <= MAX_URL_LENGTH && HTTPS_URL.test(b.url) : b.value.length <= MAX_VALUE_LENGTH);

const toAction = (b: Button) => ({
  ...(isLink(b)
    ? { type: 'Action.OpenUrl', title: b.label.slice(0, LIMITS.label), url: b.url }
    : {
        type: 'Action.Submit',
        title: b.label.slice(0, LIMITS.label),
        data: { ...(b.opensForm ? TASK_FETCH : {}), verb: SUBMIT_VERB, actionId: b.actionId, value: b.value } satisfies SubmitData,
      }),
  ...(b.style ? { style: BUTTON_STYLES[b.style] } : {}),
});

export function renderCard(m: Message): Record<string, unknown> {
  const color = m.tone === 'error' ? { color: 'attention' } : m.tone === 'success' ? { color: 'good' } : {};
  const body: Record<string, unknown>[] = [];
  const buttons = (m.buttons ?? []).filter(offered).slice(0, LIMITS.buttons);
  if (m.title)
    body.push({
      type: 'TextBlock',
      text: toPlain(m.title, m.literals).slice(0, LIMITS.title),
      style: 'heading',
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      ...color,
    });
  body.push({ type: 'TextBlock', text: toMarkdown(m.text.slice(0, LIMITS.text), m.literals), wrap: true, ...(m.title ? {} : color) });
  const chartAt = body.length;
  if (m.chart) body.push(sparklineBlock(m.chart));
  if (m.fields?.length) {
    body.push({
      type: 'FactSet',
      facts: m.fields.slice(0, LIMITS.fields).map((f) => ({ title: asTyped(f.label, m.literals), value: asTyped(f.value, m.literals) })),
    });
  }
  if (m.items?.length) {
    // Teams' documented list form: one "- item" per line, lines split by \r.
    const lines = m.items.slice(0, LIMITS.items).map((x) => `- ${toMarkdown(x.slice(0, LIMITS.item), m.literals).replace(/\n+/g, ' ')}`);
    body.push({ type: 'TextBlock', text: lines.join('\r'), wrap: true, spacing: 'Small' });
  }
  // Each group its heading, line and own buttons: Teams shows at most six in one set.
  for (const section of m.sections ?? []) {
    body.push({ type: 'TextBlock', text: toPlain(section.title).slice(0, LIMITS.title), weight: 'Bolder', wrap: true, spacing: 'Medium', separator: true });
    if (section.text) body.push({ type: 'TextBlock', text: toMarkdown(section.text.slice(0, LIMITS.text)), wrap: true, spacing: 'Small' });
    const offeredHere = section.buttons.filter(offered).slice(0, LIMITS.buttons);
    if (offeredHere.length) body.push({ type: 'ActionSet', actions: offeredHere.map(toAction) });
  }
  const card = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: summaryOf(m),
    body,
    // A value the click would be refused for is better not offered at all.
    ...(buttons.length ? { actions: buttons.map(toAction) } : {}),
  };
  if (m.chart) {
    // The image goes above its sparkline, unless it would push the card past Teams' size limit.
    body.splice(chartAt, 0, chartImage(m.chart));
    if (Buffer.byteLength(JSON.stringify(card)) > CARD_BUDGET) body.splice(chartAt, 1);
  }
  return card;
}

/**
 * Teams refuses a message over about 28 KB, so a chart travels inside the card
 * as a small PNG data URI (no public URL to host it at), and the whole card
 * stays under this many bytes (leaving room for the activity around it).
 */
export const CARD_BUDGET = 24_000;
/** Wide enough to read in a card (which Teams shows about 400–500 px wide), small enough for the budget. */
export const CHART_WIDTH = 420;

const chartImage = (spec: ChartSpec): Record<string, unknown> => ({
  type: 'Image',
  url: `data:image/png;base64,${chartPng(spec, CHART_WIDTH).toString('base64')}`,
  altText: chartAltText(spec),
  size: 'Stretch',
  spacing: 'Medium',
  msTeams: { allowExpand: true },
});

/** The chart in one line of text: under the image, and all there is where an image cannot be shown. */
const sparklineBlock = (spec: ChartSpec): Record<string, unknown> => ({
  type: 'TextBlock',
  text: chartSparkline(spec),
  isSubtle: true,
  size: 'Small',
  wrap: true,
  spacing: 'Small',
});

export const summaryOf = (m: Message): string =>
  toPlain(m.title ? `${m.title}: ${m.text}` : m.text, m.literals)
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, LIMITS.summary);

/** The reply activity: the card, plus a plain summary for notifications and screen readers. */
export const renderReply = (m: Message): Partial<Activity> => ({
  type: 'message',
  summary: summaryOf(m),
  attachments: [CardFactory.adaptiveCard(renderCard(m))],
});
