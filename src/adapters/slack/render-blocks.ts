// The one Slack renderer: a core Message becomes Block Kit.
import type { types } from '@slack/bolt';
import { type Button, type Message, renderLiterals } from '../../core/message.js';
import { chartSparkline } from '../chart-text.js';

type Block = types.KnownBlock;

/** Slack treats <, > and & as control characters: names typed by users must not ping @channel. */
export const escapeMrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A name as typed: mrkdwn has no escape for * _ ~ `, so each is fenced with
 * zero-width spaces, which Slack reads as a word boundary on both sides: it
 * can neither open nor close formatting, and the name looks exactly as typed.
 */
export const literalMrkdwn = (s: string) => escapeMrkdwn(s).replace(/[*_~`]/g, (c) => `\u200B${c}\u200B`);

/** Core text as mrkdwn: its markup kept, the message's literal names shown as typed. */
export const toMrkdwn = (text: string, literals?: readonly string[]) => renderLiterals(text, literals, escapeMrkdwn, literalMrkdwn);

const TONE_PREFIX = { info: '', success: ':white_check_mark: ', error: ':warning: ' } as const;
const SECTION_LIMIT = 3000;

const LINK_PREFIX = 'trellis-link:';

/**
 * action_id must be unique within a message, so the button's index rides along.
 * A link button still needs one (Slack reports its click too), under its own
 * prefix so that the click is recognised and never reaches the core.
 */
export const toActionId = (b: Button, i: number) => (b.url ? `${LINK_PREFIX}${i}` : `trellis:${b.actionId}:${i}`);
export const fromActionId = (actionId: string) => /^trellis:([a-z][a-z0-9-]{0,40}):\d{1,2}$/.exec(actionId)?.[1];
export const isLinkActionId = (actionId: string) => actionId.startsWith(LINK_PREFIX);
/** Slack refuses a view or message whose button URL is longer than this. */
const URL_MAX = 3000;

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

/**
 * One line cut into pieces of at most `limit` characters: at a space where one
 * is near, and never inside an escape (`&amp;`) or a surrogate pair, so that
 * nothing typed is lost or garbled.
 */
function wrap(line: string, limit: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const space = rest.lastIndexOf(' ', limit);
    let cut = space >= limit / 2 ? space : limit;
    if (cut === limit) {
      const amp = rest.lastIndexOf('&', cut - 1);
      if (amp >= 0 && amp > cut - 5 && rest.indexOf(';', amp) >= cut) cut = amp;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(rest[cut] === ' ' ? cut + 1 : cut);
  }
  out.push(rest);
  return out;
}

/** Lines packed into texts of at most `limit` characters each (Slack's section limit); long lines are split, not cut short. */
export function chunks(lines: string[], limit: number): string[] {
  const out: string[] = [];
  let current: string | undefined;
  for (const line of lines.flatMap((l) => wrap(l, limit))) {
    if (current === undefined) current = line;
    else if (current.length + 1 + line.length > limit) {
      out.push(current);
      current = line;
    } else current = `${current}\n${line}`;
  }
  if (current !== undefined) out.push(current);
  // Slack refuses a section without text: blank pieces carry nothing anyway.
  return out.filter((t) => t.trim() !== '');
}

export function renderBlocks(m: Message): Block[] {
  const blocks: Block[] = [];
  if (m.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150), emoji: true } });
  blocks.push(...chunks(`${TONE_PREFIX[m.tone]}${toMrkdwn(m.text, m.literals)}`.split('\n'), SECTION_LIMIT).map(section));
  // The chart itself is uploaded as an image where Slack allows it; this line always stands in for it.
  if (m.chart) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(chartSparkline(m.chart)).slice(0, 2000) }] });
  if (m.fields?.length) {
    for (let i = 0; i < m.fields.length; i += 10) {
      const fields = m.fields
        .slice(i, i + 10)
        .map((f) => ({ type: 'mrkdwn' as const, text: `*${toMrkdwn(f.label, m.literals)}*\n${toMrkdwn(f.value, m.literals)}`.slice(0, 2000) }));
      blocks.push({ type: 'section', fields });
    }
  }
  if (m.items?.length)
    blocks.push(
      ...chunks(
        m.items.map((x) => `• ${toMrkdwn(x, m.literals)}`),
        SECTION_LIMIT,
      ).map(section),
    );
  // action_id must be unique in the whole message: each group's buttons carry on the count.
  let index = 0;
  const actions = (buttons: Button[]): Block => ({
    type: 'actions',
    elements: buttons.slice(0, 25).map((b) => ({
      type: 'button',
      text: { type: 'plain_text', text: b.label.slice(0, 75), emoji: true },
      action_id: toActionId(b, index++),
      // A link opens in the browser and runs nothing: it carries its URL, not a value.
      ...(b.url ? { url: b.url.slice(0, URL_MAX) } : { value: b.value.slice(0, 2000) }),
      ...(b.style ? { style: b.style } : {}),
    })),
  });
  if (m.buttons?.length) blocks.push(actions(m.buttons));
  for (const s of m.sections ?? []) {
    blocks.push(section(`*${escapeMrkdwn(s.title)}*${s.text ? `\n${escapeMrkdwn(s.text)}` : ''}`.slice(0, SECTION_LIMIT)));
    if (s.buttons.length) blocks.push(actions(s.buttons));
  }
  return blocks.slice(0, 50);
}

/** Plain text for notifications and screen readers. */
export const fallbackText = (m: Message) =>
  // Slack reads this text as mrkdwn too: a name in it must not mention anyone.
  renderLiterals(m.title ? `${m.title}: ${m.text}` : m.text, m.literals, (s) => s, literalMrkdwn).slice(0, 3000);

export const renderResponse = (m: Message) => ({
  response_type: m.audience === 'conversation' ? ('in_channel' as const) : ('ephemeral' as const),
  replace_original: false,
  text: fallbackText(m),
  blocks: renderBlocks(m),
});
