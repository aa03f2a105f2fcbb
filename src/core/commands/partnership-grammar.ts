// The commands about the partnership itself, its organisations and members, as
// the one grammar (../grammar.ts) parses them; beside their handlers, as each feature's are.
import type { PartnershipType, Role, Sector } from '../model.js';

export type SettingCommand =
  | { name: 'set'; setting: 'purpose'; value: string }
  | { name: 'set'; setting: 'type'; value: PartnershipType }
  | { name: 'set'; setting: 'timezone'; value: string }
  | { name: 'set'; setting: 'threshold'; value: number };

export type PartnershipCommand =
  | { name: 'setup'; partnershipName: string }
  | { name: 'invite' }
  | { name: 'home' }
  | { name: 'org add'; orgName: string; sector: Sector }
  | { name: 'org list' }
  /** Every way to split the words at a "to" (a name may hold one): the handler keeps the split whose old name is an organisation. No splits: the form. */
  | { name: 'org rename'; splits: { from: string; to: string }[] }
  | { name: 'org remove'; orgName: string }
  | { name: 'join'; code: string; orgName?: string }
  | { name: 'role'; who: string; role: Role }
  | { name: 'members' }
  | { name: 'member add'; address: string; orgName?: string }
  | { name: 'status' }
  | SettingCommand;
