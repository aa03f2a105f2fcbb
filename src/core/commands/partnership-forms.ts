// `org add`, `role` and `set` with no words: forms read back into the typed
// commands' words. Lengths and values are checked by the grammar, not here:
// the forms' own limits are only loose bounds on typing.
import { commandForm, oneLine, type CommandForm, type Step } from '../command-forms.js';
import { fieldErrors, info, type TextField } from '../message.js';
import { PARTNERSHIP_TYPES, RETENTION_LIMITS, retentionOf, ROLES, SECTORS, type Partnership } from '../model.js';
import { findMember, mayChangeRoles, ROLE_NAMES } from './members.js';
import { describeOrg, mayAddOrganisations } from './organisations.js';
import { mayChangeSettings } from './partnership.js';
import { RETENTION_WORDS, type RetentionWord } from './partnership-grammar.js';

const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);

export const orgAddForm: CommandForm = {
  async open(deps, ctx) {
    const refused = await mayAddOrganisations(deps, ctx);
    if (refused) return refused;
    return commandForm(ctx.partnership.id, 'org add', {
      title: 'Add an organisation',
      intro: `Register a partner organisation of ${ctx.partnership.name}. Its people then join with the invite code and its name.`,
      submitLabel: 'Add',
      fields: [
        { kind: 'text', id: 'name', label: 'Name', multiline: false, maxLength: 200, optional: false },
        { kind: 'choice', id: 'sector', label: 'Sector', options: SECTORS.map((s) => ({ value: s, label: cap(s) })), initial: 'public' },
      ],
    });
  },
  async read(_deps, _ctx, values) {
    const sector = oneLine(values.sector);
    return [{ field: 'name', text: `org add ${oneLine(values.name)} ${sector}`, probes: [{ field: 'sector', text: `org add Sample ${sector}` }] }];
  },
};

export const roleForm: CommandForm = {
  async open(deps, ctx) {
    const refused = await mayChangeRoles(deps, ctx);
    if (refused) return refused;
    const [members, orgs] = await Promise.all([deps.store.members(ctx.partnership.id), deps.store.organisations(ctx.partnership.id)]);
    const orgOf = (id?: string) => orgs.find((o) => o.id === id);
    const sorted = [...members].sort((a, b) => a.displayName.localeCompare(b.displayName));
    return commandForm(ctx.partnership.id, 'role', {
      title: 'Change a role',
      intro:
        'The last coordinator cannot step down, and nobody who is or ever was a coordinator can become the critical friend. A change of critical friend is announced in the home channel.',
      submitLabel: 'Change',
      fields: [
        {
          kind: 'choice',
          id: 'member',
          label: 'Member',
          options: sorted.map((m) => {
            const org = orgOf(m.organisationId);
            return { value: m.id, label: `${m.displayName} — ${org ? describeOrg(org) : 'independent'} · ${ROLE_NAMES[m.role]}` };
          }),
        },
        { kind: 'choice', id: 'role', label: 'Role', options: ROLES.map((r) => ({ value: r, label: cap(ROLE_NAMES[r]) })), initial: 'member' },
      ],
    });
  },
  async read(deps, ctx, values) {
    const members = await deps.store.members(ctx.partnership.id);
    const chosen = members.find((m) => m.id === values.member);
    if (!chosen) return fieldErrors('Nothing was changed: choose a member.', { member: 'Choose a member of the partnership.' });
    // Named as `role` would be typed, by name or else by mention, and only in a way that finds this member alone.
    const who = [oneLine(chosen.displayName), `<@${chosen.userId}>`].find((w) => {
      if (!/\S/.test(w.replace(/^@/, ''))) return false;
      const found = findMember(members, w, ctx.me);
      return found.ok && found.member.id === chosen.id;
    });
    if (!who)
      return fieldErrors('Nothing was changed.', {
        member: `${chosen.displayName} cannot be told apart from another member here: type \`role\` with a mention.`,
      });
    return [{ field: 'role', text: `role ${who} ${oneLine(values.role)}` }];
  },
};

const SETTINGS = ['purpose', 'type', 'timezone', 'threshold'] as const;
const current = (p: Partnership, setting: (typeof SETTINGS)[number]) => String(p[setting]);
/** The retention periods, each a field named for its word in `set retention <word> <n> <unit>`. */
const RETENTION_FIELDS = Object.keys(RETENTION_WORDS) as RetentionWord[];
const retentionField = (p: Partnership, word: RetentionWord): TextField => {
  const { which, unit, what } = RETENTION_WORDS[word];
  const { min, max } = RETENTION_LIMITS[which];
  return {
    kind: 'text',
    id: word,
    label: `${what}: kept for (${unit}, ${min}–${max})`,
    multiline: false,
    maxLength: 3,
    optional: false,
    initial: String(retentionOf(p)[which]),
  };
};

export const settingsForm: CommandForm = {
  async open(deps, ctx) {
    const refused = await mayChangeSettings(deps, ctx);
    if (refused) return refused;
    const p = ctx.partnership;
    return commandForm(p.id, 'set', {
      title: 'Settings',
      intro: `Only what you change is applied. The threshold is the smallest group whose results are ever shown (never below 3); lowering it applies only to check-ins, reviews and concerns opened afterwards. Text kept past its retention is erased at the next scheduled run.`,
      submitLabel: 'Save',
      fields: [
        { kind: 'text', id: 'purpose', label: 'Purpose', multiline: true, maxLength: 600, optional: true, ...(p.purpose ? { initial: p.purpose } : {}) },
        { kind: 'choice', id: 'type', label: 'Type', options: PARTNERSHIP_TYPES.map((t) => ({ value: t, label: cap(t) })), initial: p.type },
        { kind: 'text', id: 'timezone', label: 'Timezone', multiline: false, maxLength: 64, optional: false, hint: 'e.g. Europe/London', initial: p.timezone },
        { kind: 'text', id: 'threshold', label: 'Threshold (3–50)', multiline: false, maxLength: 3, optional: false, initial: String(p.threshold) },
        ...RETENTION_FIELDS.map((w) => retentionField(p, w)),
      ],
    });
  },
  async read(_deps, ctx, values) {
    const p = ctx.partnership;
    // Only the settings changed: each is the `set` its typed form would be.
    const steps: Step[] = SETTINGS.filter((s) => values[s] !== undefined && oneLine(values[s]) !== oneLine(current(p, s))).map((s) => ({
      field: s,
      text: `set ${s} ${oneLine(values[s])}`,
    }));
    for (const w of RETENTION_FIELDS) {
      const { which, unit } = RETENTION_WORDS[w];
      if (values[w] !== undefined && oneLine(values[w]) !== String(retentionOf(p)[which]))
        steps.push({ field: w, text: `set retention ${w} ${oneLine(values[w])} ${unit}` });
    }
    if (steps.some((s) => s.field === 'purpose') && !oneLine(values.purpose))
      return fieldErrors('Nothing was changed.', { purpose: 'A purpose can be changed but not left empty.' });
    return steps.length ? steps : info('Nothing was changed: every setting is as it was.');
  },
};
