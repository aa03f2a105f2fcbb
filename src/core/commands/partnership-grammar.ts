// The commands about the partnership itself, its organisations and members, as
// the one grammar (../grammar.ts) parses them; beside their handlers, as each feature's are.
import type { PartnershipType, Role, Sector } from '../model.js';

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
  | { name: 'set'; setting: 'threshold'; value: number };

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
