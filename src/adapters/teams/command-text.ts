// What a person typed to the bot, in the form the core's grammar expects:
// the bot's own @mention removed, every other mention as the neutral <@id>,
// and the HTML the Teams client adds (tags, &nbsp;) gone.
import type { Activity } from 'botbuilder';

interface Mention {
  text: string;
  id: string;
}

const mentionsOf = (a: Partial<Activity>): Mention[] =>
  (Array.isArray(a.entities) ? a.entities : []).flatMap((e: Record<string, unknown>) => {
    const mentioned = e.mentioned as { id?: unknown } | undefined;
    return e.type === 'mention' && typeof e.text === 'string' && e.text !== '' && typeof mentioned?.id === 'string' && mentioned.id !== ''
      ? [{ text: e.text, id: mentioned.id }]
      : [];
  });

const NAMED: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] !== '#') return NAMED[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
}

// A mention is parked as \u0000<n>\u0000 while tags are stripped, then restored.
const PARKED = /\u0000(\d+)\u0000/g;

export function commandText(a: Partial<Activity>): string {
  let text = typeof a.text === 'string' ? a.text.replace(/\u0000/g, '') : '';
  const botId = a.recipient?.id;
  const ids: string[] = [];
  for (const m of mentionsOf(a)) {
    if (!text.includes(m.text)) continue;
    // Replace the first occurrence only: entities come in the order they appear.
    const replacement = m.id === botId ? ' ' : `\u0000${ids.push(m.id) - 1}\u0000`;
    text = text.replace(m.text, () => replacement);
  }
  text = text.replace(/<\/?[a-z][^>]*>/gi, ' ');
  text = decodeEntities(text);
  text = text.replace(PARKED, (_m, i: string) => (ids[Number(i)] ? ` <@${ids[Number(i)]}> ` : ' '));
  return text.replace(/\s+/g, ' ').trim();
}
