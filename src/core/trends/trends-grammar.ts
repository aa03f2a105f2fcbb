// `trends …`, `export`, `dashboard` and `dashboard revoke`, parsed here and dispatched with the rest.
export type TrendsCommand =
  | { name: 'trends'; factor?: string }
  | { name: 'trends by sector' }
  | { name: 'trends settings'; notablePoints?: number; floor?: number }
  | LinkCommand;

/** The private links to the figures, and withdrawing them (link-commands.ts). */
export type LinkCommand = { name: 'dashboard' } | { name: 'export' } | { name: 'dashboard revoke' };

export const TRENDS_USAGE = {
  trends: ['trends [<factor>]', 'how the partnership is doing: trust and commitment over time, or one factor in detail'],
  'trends by sector': ['trends by sector', 'trust, commitment and power & voice by sector and organisation, where enough people answered (coordinators)'],
  'trends settings': [
    'trends settings notable <points> floor <0–100>',
    'when a change counts as notable (default 10 points) and the index under which trust or commitment alerts (default 50) (coordinators)',
  ],
  export: ['export', "a link to a CSV of the figures Trellis shows — never anyone's answers (coordinators)"],
  dashboard: ['dashboard', 'a private link, valid 24 hours while you are a coordinator, to charts of every index over time (coordinators)'],
  'dashboard revoke': ['dashboard revoke', 'withdraw every dashboard and export link of the partnership given out so far, whoever holds it (coordinators)'],
} as const satisfies Record<string, readonly [string, string]>;

type Usage = keyof typeof TRENDS_USAGE;
export type TrendsParsed = { ok: true; command: TrendsCommand } | { ok: false; error: string; usage: Usage };

export function parseTrends(verb: string, rest: string[]): TrendsParsed {
  if (verb === 'dashboard' && rest.length === 1 && rest[0]!.toLowerCase() === 'revoke') return { ok: true, command: { name: 'dashboard revoke' } };
  if (verb === 'export' || verb === 'dashboard') {
    return rest.length
      ? { ok: false, error: verb === 'dashboard' ? '`dashboard` takes no words after it, or just `revoke`.' : '`export` takes no words after it.', usage: verb }
      : { ok: true, command: { name: verb } };
  }
  const words = rest.map((w) => w.toLowerCase());
  if (words.length === 0) return { ok: true, command: { name: 'trends' } };
  if (words.join(' ') === 'by sector') return { ok: true, command: { name: 'trends by sector' } };
  if (words[0] === 'settings') {
    const out: { notablePoints?: number; floor?: number } = {};
    if (words.length < 3 || words.length % 2 === 0) return { ok: false, error: 'Give one or both settings with a number each.', usage: 'trends settings' };
    for (let i = 1; i < words.length; i += 2) {
      const n = Number(words[i + 1]);
      if (words[i] === 'notable' && Number.isInteger(n) && n >= 1 && n <= 100) out.notablePoints = n;
      else if (words[i] === 'floor' && Number.isInteger(n) && n >= 0 && n <= 100) out.floor = n;
      else
        return {
          ok: false,
          error: `"${rest[i]} ${rest[i + 1] ?? ''}" is not a setting I understand: notable takes 1–100 points, floor an index 0–100.`,
          usage: 'trends settings',
        };
    }
    return { ok: true, command: { name: 'trends settings', ...out } };
  }
  if (words.length === 1) return { ok: true, command: { name: 'trends', factor: words[0]! } };
  return { ok: false, error: `"trends ${rest.join(' ')}" is not something I can show.`, usage: 'trends' };
}
