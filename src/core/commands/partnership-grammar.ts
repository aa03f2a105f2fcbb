// The commands about the partnership itself, its organisations and members, as
// the one grammar (../grammar.ts) parses them; beside their handlers, as each feature's are.
import { RETENTION_LIMITS, type PartnershipType, type RetentionSettings, type Role, type Sector } from '../model.js';

/** Written instead of an organisation by someone who belongs to none. */
export const INDEPENDENT = 'independent';
export const MAX_NAME_LENGTH = 80;

/** Why a new organisation name cannot be used, or undefined when it can (`org add`, `org rename`, the rename form). */
export function badOrgName(name: string): string | undefined {
  if (name.toLowerCase() === INDEPENDENT) return `"${INDEPENDENT}" is reserved for people who belong to no organisation; choose another name.`;
  if (name.length > MAX_NAME_LENGTH) return `The name is too long (the limit is ${MAX_NAME_LENGTH} characters).`;
  return undefined;
}

export type SettingCommand =
  | { name: 'set'; setting: 'purpose'; value: string }
  | { name: 'set'; setting: 'type'; value: PartnershipType }
  | { name: 'set'; setting: 'timezone'; value: string }
  | { name: 'set'; setting: 'threshold'; value: number }
  | { name: 'set'; setting: 'retention'; which: keyof RetentionSettings; value: number };

/** `set retention <what> <n> <unit>`: each period by the word typed for it, and its unit. */
export const RETENTION_WORDS = {
  concerns: { which: 'concernMonths', unit: 'months', what: 'Concern and reply text', after: 'after the conversation is resolved or closed', fate: 'erased' },
  comments: { which: 'commentMonths', unit: 'months', what: 'Check-in and review comments', after: 'after their check-in or review closed', fate: 'erased' },
  invitations: {
    which: 'invitationDays',
    unit: 'days',
    what: 'Invitations of closed check-ins',
    after: 'after the check-in closed',
    fate: 'reduced to counts',
  },
  closed: { which: 'closedMonths', unit: 'months', what: 'A closed partnership’s personal data', after: 'after it closed', fate: 'erased' },
} as const satisfies Record<string, { which: keyof RetentionSettings; unit: 'months' | 'days'; what: string; after: string; fate: string }>;
export type RetentionWord = keyof typeof RETENTION_WORDS;

export const RETENTION_USAGE = 'set retention concerns|comments|closed <n> months | set retention invitations <n> days';

/** The words after `set retention`, read; or why they cannot be. */
export function readRetention(words: string[]): { ok: true; which: keyof RetentionSettings; value: number } | { ok: false; error: string } {
  const [word = '', n = '', unit, ...extra] = words.map((w) => w.toLowerCase());
  if (!Object.hasOwn(RETENTION_WORDS, word)) return { ok: false, error: `Say which period to change: \`${RETENTION_USAGE}\`.` };
  const { which, unit: wanted, what } = RETENTION_WORDS[word as RetentionWord];
  const { min, max } = RETENTION_LIMITS[which];
  const value = Number(n);
  if (!/^\d+$/.test(n) || value < min || value > max)
    return { ok: false, error: `${what} can be kept from ${min} to ${max} ${wanted}: give a whole number in that range (got "${n}").` };
  if (extra.length > 0 || (unit !== undefined && unit !== wanted && `${unit}s` !== wanted))
    return { ok: false, error: `${what} is kept for a number of ${wanted}: \`set retention ${word} ${value} ${wanted}\`.` };
  return { ok: true, which, value };
}

export type PartnershipCommand =
  /** No name: the setup form. */
  | { name: 'setup'; partnershipName?: string }
  | { name: 'invite' }
  | { name: 'home' }
  | { name: 'org add'; orgName: string; sector: Sector }
  | { name: 'org list' }
  /** Every way to split the words at a "to" (a name may hold one): the handler keeps the split whose old name is an organisation. No splits: the form. */
  | { name: 'org rename'; splits: { from: string; to: string }[] }
  | { name: 'org remove'; orgName: string }
  /** No code: the join form. */
  | { name: 'join'; code?: string; orgName?: string }
  | { name: 'role'; who: string; role: Role }
  | { name: 'members' }
  | { name: 'member add'; address: string; orgName?: string }
  /** Without `confirmed` it only asks: the confirmation button adds the word `confirm`. */
  | { name: 'member remove'; who: string; confirmed: boolean }
  | { name: 'leave'; confirmed: boolean }
  /** Without `confirmed` it only asks (commands/closing.ts). */
  | { name: 'partnership close'; confirmed: boolean }
  | { name: 'status' }
  | SettingCommand;
