// Commands that need words open a private form when given none; the form's
// submit is read back into the typed words and run as if typed: the same
// checks, the same refusals, nothing changed by a bad value.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trellis } from '../../src/core/trellis.js';
import { isForm, type Form, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import type { State } from '../../src/store/state-schema.js';
import { coreTrellis } from '../helpers/core-trellis.js';

const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const sam: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-SAM', displayName: 'Sam Patel' };
const jo: Caller = { platform: 'teams', workspace: '72f988bf-0000-41af-91ab-2d7cd011db47', userId: '29:jo', displayName: 'Jo Williams' };
const channel: Place = { conversationId: 'C1', kind: 'channel', label: '#riverside' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };

let state: State;
let trellis: Trellis;

const say = (c: Caller, text: string, place: Place = channel) => trellis.command({ caller: c, place, text });
const msg = (r: Reply): Message => {
  if (isForm(r)) throw new Error(`expected a message, got the form "${r.form.title}"`);
  return r;
};
const form = (r: Reply): Form => {
  if (!isForm(r)) throw new Error(`expected a form: ${r.text}`);
  return r.form;
};
const submit = (c: Caller, f: Form, values: Record<string, string>) => trellis.submit({ caller: c, actionId: f.submitActionId, context: f.context, values });
/** The form's initial values, as a person who changes nothing sends them back. */
const initial = (f: Form) => Object.fromEntries(f.fields.map((x) => [x.id, x.kind === 'multichoice' ? (x.initial ?? []).join(',') : (x.initial ?? '')]));
const p = () => state.partnerships[0]!;
const snapshot = () => JSON.stringify(state);

beforeEach(async () => {
  ({ state, trellis } = coreTrellis('2026-11-23T08:00:00Z', { secret: 'command-forms-secret-0123456789abcdef' })); // a Monday
  await say(alex, 'setup Riverside');
  await say(alex, 'org add City Council public');
  const code = p().inviteCode;
  await say(alex, `join ${code} City Council`, dm);
  await say(sam, `join ${code} City Council`, dm);
  await say(jo, `join ${code} independent`, dm);
});

describe('survey schedule', () => {
  it('opens a form showing the current schedule and timezone, and its submit sets the schedule as typed', async () => {
    await say(alex, 'set timezone Europe/Paris');
    await say(alex, 'survey schedule weekly tuesday 10:00');
    const f = form(await say(alex, 'survey schedule'));
    expect(f.intro).toContain('every Tuesday at 10:00 (Europe/Paris)');
    expect(f.fields.map((x) => x.id)).toEqual(['frequency', 'day', 'time']);
    expect(initial(f)).toEqual({ frequency: 'weekly', day: 'tuesday', time: '10:00' });
    const reply = msg(await submit(alex, f, { frequency: 'monthly', day: '15', time: '9:30' }));
    expect(reply.tone).toBe('success');
    expect(reply.text).toContain('day 15 of each month at 09:30 (Europe/Paris)');
    expect(p().schedule).toMatchObject({ cadence: 'monthly', day: 15, time: '09:30' });
  });

  it('turns the schedule off', async () => {
    await say(alex, 'survey schedule weekly tuesday 10:00');
    const f = form(await say(alex, 'survey schedule'));
    expect(msg(await submit(alex, f, { frequency: 'off', day: 'monday', time: '09:00' })).text).toContain('Scheduled check-ins are off');
    expect(p().schedule).toBeUndefined();
  });

  it('refuses bad values beside their own field and changes nothing', async () => {
    const f = form(await say(alex, 'survey schedule'));
    const before = snapshot();
    const badDay = msg(await submit(alex, f, { frequency: 'weekly', day: '15', time: '09:00' }));
    expect(badDay.fieldErrors).toEqual({ day: '"15" is not a day of the week.' });
    const badTime = msg(await submit(alex, f, { frequency: 'monthly', day: '15', time: '25:00' }));
    expect(badTime.fieldErrors).toEqual({ time: '"25:00" is not a time; use 24-hour HH:MM, e.g. 09:30.' });
    const badFrequency = msg(await submit(alex, f, { frequency: 'daily', day: 'monday', time: '09:00' }));
    expect(Object.keys(badFrequency.fieldErrors ?? {})).toEqual(['frequency']);
    expect(snapshot()).toBe(before);
  });

  it('refuses a member who asks for the form, and one who sends a form back, as the typed command does', async () => {
    const typed = msg(await say(sam, 'survey schedule weekly monday 09:00'));
    expect(msg(await say(sam, 'survey schedule')).text).toBe(typed.text);
    const f = form(await say(alex, 'survey schedule'));
    const before = snapshot();
    expect(msg(await submit(sam, f, { frequency: 'weekly', day: 'monday', time: '09:00' })).text).toBe(typed.text);
    expect(snapshot()).toBe(before);
  });
});

describe('org add', () => {
  it('opens a form for the name and sector, and adds the organisation', async () => {
    const f = form(await say(alex, 'org add'));
    expect(f.fields.map((x) => x.id)).toEqual(['name', 'sector']);
    expect(msg(await submit(alex, f, { name: 'Hope  Trust', sector: 'voluntary' })).text).toContain('Added Hope Trust (voluntary)');
    expect(state.organisations.map((o) => [o.name, o.sector])).toContainEqual(['Hope Trust', 'voluntary']);
  });

  it('refuses a reserved or duplicate name beside the name field, changing nothing', async () => {
    const f = form(await say(alex, 'org add'));
    const before = snapshot();
    expect(msg(await submit(alex, f, { name: 'independent', sector: 'public' })).fieldErrors?.name).toContain('reserved');
    expect(msg(await submit(alex, f, { name: 'city council', sector: 'public' })).fieldErrors?.name).toContain('already has City Council');
    expect(msg(await submit(alex, f, { name: 'Acme', sector: 'corporate' })).fieldErrors).toEqual({
      sector: '"corporate" is not a sector. Sectors: public, private, voluntary, community.',
    });
    expect(msg(await submit(alex, f, { name: ' ', sector: '' })).fieldErrors).toEqual({ sector: "Give the organisation's name and its sector." });
    expect(snapshot()).toBe(before);
  });

  it('refuses a member', async () => {
    expect(msg(await say(sam, 'org add')).text).toBe(msg(await say(sam, 'org add Acme public')).text);
    const f = form(await say(alex, 'org add'));
    expect(msg(await submit(sam, f, { name: 'Acme', sector: 'public' })).text).toContain('Only coordinators can add organisations');
    expect(state.organisations).toHaveLength(1);
  });
});

describe('role', () => {
  it("offers the partnership's members by name and organisation, and changes the chosen one's role", async () => {
    const f = form(await say(alex, 'role'));
    const member = f.fields.find((x) => x.id === 'member');
    expect(member?.kind === 'choice' && member.options.map((o) => o.label)).toEqual([
      'Alex Morgan — City Council (public) · coordinator',
      'Jo Williams — independent · member',
      'Sam Patel — City Council (public) · member',
    ]);
    const samId = state.members.find((m) => m.userId === 'U-SAM')!.id;
    expect(msg(await submit(alex, f, { member: samId, role: 'coordinator' })).text).toBe('Sam Patel is now a coordinator of Riverside.');
    expect(state.members.find((m) => m.id === samId)?.role).toBe('coordinator');
  });

  it('finds the chosen member even when two share a display name', async () => {
    await say({ ...jo, userId: '29:jo2' }, `join ${p().inviteCode} independent`, dm);
    const f = form(await say(alex, 'role'));
    const second = state.members.find((m) => m.userId === '29:jo2')!;
    await submit(alex, f, { member: second.id, role: 'critical-friend' });
    expect(state.members.find((m) => m.userId === '29:jo2')?.role).toBe('critical-friend');
    expect(state.members.find((m) => m.userId === '29:jo')?.role).toBe('member');
  });

  it('keeps the last coordinator, beside the role field, and refuses a member', async () => {
    const f = form(await say(alex, 'role'));
    const alexId = state.members.find((m) => m.userId === 'U-ALEX')!.id;
    const before = snapshot();
    expect(msg(await submit(alex, f, { member: alexId, role: 'member' })).fieldErrors?.role).toContain('is the only coordinator');
    expect(msg(await submit(alex, f, { member: 'nobody', role: 'member' })).fieldErrors).toEqual({ member: 'Choose a member of the partnership.' });
    expect(msg(await say(sam, 'role')).text).toContain('Only coordinators can change roles');
    expect(msg(await submit(sam, f, { member: alexId, role: 'member' })).text).toContain('Only coordinators can change roles');
    expect(snapshot()).toBe(before);
  });
});

describe('set', () => {
  it('opens prefilled with the current settings and applies only those changed', async () => {
    await say(alex, 'set purpose Good work for all');
    const f = form(await say(alex, 'set'));
    expect(initial(f)).toEqual({
      purpose: 'Good work for all',
      type: 'coordinating',
      timezone: 'Europe/London',
      threshold: '5',
      concerns: '12',
      comments: '24',
      invitations: '30',
      closed: '12',
    });
    const reply = msg(await submit(alex, f, { ...initial(f), type: 'implementing', threshold: '7' }));
    expect(reply.text).toBe(
      'Type of Riverside is now: implementing.\nThreshold of Riverside is now: 7. It applies at once, to every result, earlier check-ins and reviews included.',
    );
    expect(p()).toMatchObject({ purpose: 'Good work for all', type: 'implementing', timezone: 'Europe/London', threshold: 7 });
    expect(msg(await submit(alex, f, { ...initial(f), type: 'implementing', threshold: '7' })).text).toBe('Nothing was changed: every setting is as it was.');
  });

  it('changes a retention period as `set retention` does, and refuses one out of bounds under its field', async () => {
    const f = form(await say(alex, 'set'));
    const before = snapshot();
    const bad = msg(await submit(alex, f, { ...initial(f), concerns: '0' }));
    expect(bad.fieldErrors).toEqual({ concerns: 'Concern and reply text can be kept from 1 to 120 months: give a whole number in that range (got "0").' });
    expect(snapshot()).toBe(before);
    const reply = msg(await submit(alex, f, { ...initial(f), concerns: '6', invitations: '14' }));
    expect(reply.text).toContain('Riverside now keeps concern and reply text for 6 months');
    expect(reply.text).toContain('Riverside now keeps invitations of closed check-ins for 14 days');
    expect(p().retention).toEqual({ concernMonths: 6, invitationDays: 14 });
  });

  it('validates each changed setting as the typed command does, and applies none when one is bad', async () => {
    const f = form(await say(alex, 'set'));
    const before = snapshot();
    const reply = msg(await submit(alex, f, { ...initial(f), timezone: 'Mars/Olympus', threshold: '2', type: 'implementing' }));
    expect(reply.fieldErrors).toEqual({
      timezone: '"Mars/Olympus" is not a timezone I know. Use an Area/City name like Europe/London, or UTC.',
      threshold: "The threshold cannot be below 3: in a group of two, each person knows their own answer and so could work out the other's.",
    });
    expect(snapshot()).toBe(before);
  });

  it('refuses a member', async () => {
    expect(msg(await say(sam, 'set')).text).toContain('Only coordinators can change settings');
    const f = form(await say(alex, 'set'));
    const before = snapshot();
    expect(msg(await submit(sam, f, { ...initial(f), threshold: '9' })).text).toContain('Only coordinators can change settings');
    expect(snapshot()).toBe(before);
  });
});

describe('protocol reminders', () => {
  it('opens with the current lead times and sets new ones', async () => {
    const f = form(await say(alex, 'protocol reminders'));
    expect(initial(f)).toEqual({ days: '30 7 1' });
    expect(msg(await submit(alex, f, { days: '14, 3' })).tone).toBe('success');
    expect(p().leadDays).toEqual([14, 3]);
  });

  it('refuses bad lead times beside the field, and a member', async () => {
    const f = form(await say(alex, 'protocol reminders'));
    const before = snapshot();
    expect(msg(await submit(alex, f, { days: '400' })).fieldErrors?.days).toContain('from 1 to 365');
    expect(msg(await submit(alex, f, { days: ' ' })).fieldErrors).toEqual({ days: 'Fill this in.' }); // read as the form itself
    expect(msg(await say(sam, 'protocol reminders')).text).toContain('Only coordinators can change protocol reminders');
    expect(msg(await submit(sam, f, { days: '10' })).text).toContain('Only coordinators can change protocol reminders');
    expect(snapshot()).toBe(before);
  });
});

describe('review close', () => {
  async function underReview() {
    const f = form(await say(alex, 'protocol add'));
    const values = {
      title: 'Referral procedure',
      kind: 'protocol',
      purpose: '',
      parties: state.organisations[0]!.id,
      owner: state.members.find((m) => m.userId === 'U-ALEX')!.id,
      link: '',
      cycle: '6',
      next: '2027-03-01',
    };
    expect(msg(await submit(alex, f, values)).tone).toBe('success');
    expect(msg(await submit(alex, form(await say(alex, 'protocol add')), { ...values, title: 'Data sharing' })).tone).toBe('success'); // not under review: not offered
    expect(msg(await say(alex, 'review start P-1')).tone).toBe('success');
  }

  it('says so when nothing is under review', async () => {
    expect(msg(await say(alex, 'review close')).text).toContain('No protocol is under review');
  });

  it('offers the protocols under review and records the outcome with an optional date', async () => {
    await underReview();
    const f = form(await say(alex, 'review close'));
    expect(f.fields.map((x) => x.kind)).toEqual(['choice', 'choice', 'date']);
    const protocol = f.fields[0]!;
    expect(protocol.kind === 'choice' && protocol.options).toEqual([{ value: 'P-1', label: 'P-1 Referral procedure' }]);
    const reply = msg(await submit(alex, f, { protocol: 'P-1', outcome: 'revised', next: '2027-06-30' }));
    expect(reply.text).toContain('Review of P-1 closed: revised.');
    expect(state.protocols[0]).toMatchObject({ nextReview: '2027-06-30', status: 'active' });
    expect(state.protocols[0]!.reviews[0]).toMatchObject({ outcome: 'revised' });
  });

  it('refuses a date in the past beside the date field, changing nothing; and a member', async () => {
    await underReview();
    const f = form(await say(alex, 'review close'));
    const before = snapshot();
    expect(msg(await submit(alex, f, { protocol: 'P-1', outcome: 'kept', next: '2026-01-01' })).fieldErrors?.next).toContain('must be after today');
    expect(msg(await submit(alex, f, { protocol: 'P-1', outcome: 'kept', next: '2026-02-30' })).fieldErrors?.next).toContain('not a real date');
    expect(msg(await say(sam, 'review close')).text).toContain('Only coordinators');
    expect(msg(await submit(sam, f, { protocol: 'P-1', outcome: 'kept', next: '' })).text).toContain('Only coordinators and its owner can close reviews');
    expect(snapshot()).toBe(before);
  });
});

describe('the form, re-opened or sent back for a partnership the caller is not in', () => {
  it('refuses, changing nothing', async () => {
    const f = form(await say(alex, 'set'));
    const stranger: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-NOBODY', displayName: 'Nobody' };
    const before = snapshot();
    expect(msg(await submit(stranger, f, { ...initial(f), threshold: '9' })).text).toContain("isn't for a partnership you are in");
    expect(msg(await trellis.action({ caller: stranger, place: dm, actionId: f.reopen.actionId, value: f.reopen.value })).text).toContain(
      "isn't for a partnership you are in",
    );
    expect(form(await trellis.action({ caller: alex, place: dm, actionId: f.reopen.actionId, value: f.reopen.value })).title).toBe('Settings');
    expect(snapshot()).toBe(before);
  });
});
