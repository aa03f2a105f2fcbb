// Durations as people write them in commands: 90m, 48h, 5d.
export const MAX_DURATION_MINUTES = 60 * 24 * 60;

export type ParsedDuration = { ok: true; minutes: number } | { ok: false; error: string };

export function parseDuration(text: string): ParsedDuration {
  const m = /^(\d{1,6})(m|h|d)$/i.exec(text.trim());
  if (!m) return { ok: false, error: `"${text}" is not a duration. Write minutes, hours or days like 90m, 48h or 5d.` };
  const minutes = Number(m[1]) * { m: 1, h: 60, d: 1440 }[m[2]!.toLowerCase() as 'm' | 'h' | 'd'];
  if (minutes < 1) return { ok: false, error: 'A duration must be at least 1 minute.' };
  if (minutes > MAX_DURATION_MINUTES) return { ok: false, error: `"${text}" is too long; the most is 60d.` };
  return { ok: true, minutes };
}

export function formatDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
