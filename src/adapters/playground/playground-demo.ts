// "Load a demo partnership": three months of a partnership's life, made in a
// few seconds through the core's own front door (commands, clicks and forms as
// each persona), never written into the store by hand, so every figure the
// page then shows comes from real rounds, under the real threshold rules.
// Time is the one thing faked: the clock is set back three months and walked
// forward round by round, then set back to now.
import { FRIEND_OPEN } from '../../core/concerns/concern-forms.js';
import { failure, isForm, success, type Form, type Message, type Reply } from '../../core/message.js';
import type { ShiftableClock } from '../../core/ports/clock.js';
import type { Trellis } from '../../core/trellis.js';
import { OPEN_CHECK_IN } from '../../core/survey/check-in-messages.js';
import type { Persona } from './playground-api.js';
import { callerOf, placeOf, ROOM, type PlaygroundPersonas, type Where } from './playground-personas.js';

const DAY = 86_400_000;
const ROUND_EVERY_DAYS = 14;
export const DEMO_ROUNDS = 6;
export const DEMO_PARTNERSHIP = 'Riverside Partnership';

/** The organisations, by sector: three public, one voluntary, one community (each sector with at least 3 people, so `trends by sector` can show it). */
export const DEMO_ORGANISATIONS = [
  { name: 'City Council', sector: 'public' },
  { name: 'Health Trust', sector: 'public' },
  { name: 'Employment Service', sector: 'public' },
  { name: 'Hope Voluntary Action', sector: 'voluntary' },
  { name: 'Northfield Residents Group', sector: 'community' },
] as const;
type Org = (typeof DEMO_ORGANISATIONS)[number]['name'];

/** Twelve members (the six built-in personas' organisations match their hints) and the critical friend. */
const MEMBERS: { id: string; name: string; org: Org }[] = [
  { id: 'alex', name: 'Alex Morgan', org: 'City Council' },
  { id: 'kim', name: 'Kim Osei', org: 'City Council' },
  { id: 'sam', name: 'Sam Patel', org: 'Health Trust' },
  { id: 'tom', name: 'Tom Reid', org: 'Health Trust' },
  { id: 'dana', name: 'Dana Brooks', org: 'Employment Service' },
  { id: 'ben', name: 'Ben Carter', org: 'Employment Service' },
  { id: 'jo', name: 'Jo Williams', org: 'Hope Voluntary Action' },
  { id: 'maya', name: 'Maya Green', org: 'Hope Voluntary Action' },
  { id: 'aisha', name: 'Aisha Khan', org: 'Hope Voluntary Action' },
  { id: 'priya', name: 'Priya Shah', org: 'Northfield Residents Group' },
  { id: 'femi', name: 'Femi Adeyemi', org: 'Northfield Residents Group' },
  { id: 'grace', name: 'Grace Liu', org: 'Northfield Residents Group' },
];
const FRIEND = { id: 'chris', name: 'Chris Evans' };

/** Mean answers (1–5) per round: trust falls, then recovers after a concern is talked through; the rest drift. */
const TRENDS: Record<string, readonly number[]> = {
  trust: [4.3, 3.9, 3.1, 2.5, 3.3, 4.0],
  commitment: [3.9, 3.8, 3.6, 3.3, 3.6, 3.9],
  other: [3.2, 3.4, 3.4, 3.6, 3.8, 4.0],
};
/** How each sector leans, so the breakdown differs between them. */
const SECTOR_LEAN: Record<string, number> = { public: 0.2, voluntary: -0.2, community: -0.5 };
const COMMENTS: Record<number, [string, string]> = {
  2: ['jo', 'Decisions about the hub reach us after they are made.'],
  3: ['femi', 'Handovers between teams have slowed down since the spring.'],
  5: ['maya', 'The joint case meeting is helping: we hear things in time now.'],
};

export interface DemoDeps {
  trellis: Trellis;
  /** Set back while the demo writes its history; always returned to now. */
  clock: ShiftableClock;
  personas: PlaygroundPersonas;
}

/** Loads the demo, or refuses (nothing changed) when the room already has a partnership. */
export async function loadDemo({ trellis, clock, personas }: DemoDeps): Promise<Message> {
  const end = clock.now().getTime();
  const start = end - (DEMO_ROUNDS * ROUND_EVERY_DAYS + 7) * DAY;
  const at = (t: number) => clock.setBehind(end - t);
  try {
    at(start);
    const coordinator = personas.byId('alex')!;
    const made = await trellis.command({ caller: callerOf(coordinator), place: ROOM, text: `setup ${DEMO_PARTNERSHIP}` });
    if (isForm(made) || made.tone === 'error')
      return failure(
        `The demo needs an empty ${ROOM.label}, and it already has a partnership. ${isForm(made) ? '' : made.text} To see the demo, start Trellis with a new data file (TRELLIS_DATA).`,
      );
    const code = /Invite code: \*([^*\s]+)\*/.exec(made.text)?.[1];
    if (!code) throw new Error('the setup reply named no invite code');

    const people = new Map<string, Persona>();
    for (const m of MEMBERS) people.set(m.id, personaFor(personas, m.id, m.name, m.org));
    people.set(FRIEND.id, personaFor(personas, FRIEND.id, FRIEND.name, 'independent'));
    const as = (id: string) => {
      const p = people.get(id)!;
      return {
        say: (text: string, where: Where = 'personal') => accepted(trellis.command({ caller: callerOf(p), place: placeOf(p.id, where), text }), text),
        click: (actionId: string, value: string) => trellis.action({ caller: callerOf(p), place: placeOf(p.id, 'personal'), actionId, value }),
        submit: (form: Form, values: Record<string, string>) =>
          accepted(trellis.submit({ caller: callerOf(p), actionId: form.submitActionId, context: form.context, values }), form.title),
        overview: () => trellis.overview(callerOf(p)),
      };
    };
    const alex = as('alex');

    for (const o of DEMO_ORGANISATIONS) await alex.say(`org add ${o.name} ${o.sector}`, 'channel');
    await alex.say('set threshold 3', 'channel');
    await alex.say('set purpose Joined-up support for families in Riverside', 'channel');
    for (const m of MEMBERS) await as(m.id).say(`join ${code} ${m.org}`);
    await as(FRIEND.id).say(`join ${code} independent`);
    await alex.say(`role ${FRIEND.name} critical-friend`, 'channel');
    await addProtocols(alex, end);

    for (let r = 0; r < DEMO_ROUNDS; r++) {
      const opens = start + (r * ROUND_EVERY_DAYS + 1) * DAY;
      at(opens);
      await alex.say('survey now for 3d', 'channel');
      for (const [i, m] of MEMBERS.entries()) {
        // Two public-sector people miss a round now and then: the sectors of three always answer, so their breakdown shows.
        if ((m.id === 'ben' && r % 2 === 1) || (m.id === 'tom' && r === 4)) continue;
        const person = as(m.id);
        const button = (await person.overview()).buttons?.find((b) => b.actionId === OPEN_CHECK_IN);
        if (!button) throw new Error(`${m.name} was not asked in check-in ${r + 1}`);
        const form = formOf(await person.click(button.actionId, button.value), 'the check-in');
        const sector = DEMO_ORGANISATIONS.find((o) => o.name === m.org)!.sector;
        const values = Object.fromEntries(
          form.fields.filter((f) => f.kind === 'choice').map((f, j) => [f.id, String(answer(f.id, r, i, j, SECTOR_LEAN[sector] ?? 0))]),
        );
        const said = COMMENTS[r];
        await person.submit(form, said?.[0] === m.id ? { ...values, comment: said[1] } : values);
      }
      at(opens + 2 * DAY);
      await alex.say('survey close', 'channel');
      await trellis.tick();
    }

    // A concern in progress: raised after the worst round, delivered, answered once by the critical friend.
    at(start + (4 * ROUND_EVERY_DAYS + 4) * DAY);
    const jo = as('jo');
    const raise = formOf(await jo.say('concern'), 'the concern form');
    await jo.submit(raise, {
      category: firstOption(raise, 'category'),
      happening: 'Referrals we make to the hub seem to disappear, and we only hear weeks later that nothing happened.',
      help: 'A shared way to see where a referral has got to.',
      organisation: 'no',
      consent: 'yes',
    });
    at(start + (4 * ROUND_EVERY_DAYS + 5) * DAY);
    await trellis.tick(); // delivers it to the critical friend (after the random delay, when one is set, which a day covers)
    const chris = as(FRIEND.id);
    const list = await chris.say('concerns');
    const open = isForm(list) ? undefined : list.buttons?.find((b) => b.actionId === FRIEND_OPEN);
    if (!open) throw new Error('the concern did not reach the critical friend');
    const reply = formOf(await chris.click(open.actionId, open.value), 'the concern');
    await chris.submit(reply, {
      reply: 'Thank you for raising this. Could you tell me roughly how many referrals, and since when? I will not share anything without your say-so.',
      status: 'acknowledged',
    });

    at(end);
    await trellis.tick();
    // Today's check-in, open for everyone to try.
    await alex.say('survey now for 3d', 'channel');
    return success(
      `Loaded *${DEMO_PARTNERSHIP}*: ${DEMO_ORGANISATIONS.length} organisations, ${MEMBERS.length} members and a critical friend, ` +
        `${DEMO_ROUNDS} closed check-ins over three months (trust fell, then recovered), protocols due for review (one overdue), ` +
        'a concern in progress, and a check-in open now.\n' +
        `As ${MEMBERS[0]!.name} (coordinator), try \`trends\`, \`trends by sector\`, \`dashboard\` and \`protocol list\`; as ${FRIEND.name}, the concern under Private conversations.`,
      { title: 'Demo partnership loaded' },
    );
  } finally {
    clock.setBehind(0);
  }
}

/** The persona called `name`, added if there is none yet. */
function personaFor(personas: PlaygroundPersonas, id: string, name: string, organisation: string): Persona {
  const known = personas.byId(id) ?? personas.all().find((p) => p.name.toLowerCase() === name.toLowerCase());
  if (known) return known;
  const checked = personas.checkName(name);
  if (!checked.ok) throw new Error(checked.error);
  return personas.keep(personas.draft(checked.name, organisation));
}

/** One person's answer to one statement: the round's mean for its factor, their sector's lean, and a spread that averages out. */
function answer(statement: string, round: number, person: number, item: number, lean: number): number {
  const factor = statement.startsWith('trust-') ? 'trust' : statement.startsWith('commitment-') ? 'commitment' : 'other';
  const spread = ((person * 7 + round * 3 + item) % 3) - 1;
  return Math.min(5, Math.max(1, Math.round(TRENDS[factor]![round]! + lean + spread * 0.6)));
}

interface Coordinator {
  say: (text: string, where?: Where) => Promise<Reply>;
  submit: (form: Form, values: Record<string, string>) => Promise<Reply>;
}

async function addProtocols(alex: Coordinator, end: number) {
  const day = (offsetDays: number) => new Date(end + offsetDays * DAY).toISOString().slice(0, 10);
  const protocols = [
    { title: 'Information sharing protocol', kind: 'protocol', parties: 3, next: day(-6) },
    { title: 'Hospital discharge agreement', kind: 'agreement', parties: 2, next: day(9) },
    { title: 'Community hub memorandum', kind: 'mou', parties: 5, next: day(24) },
  ];
  for (const p of protocols) {
    const form = formOf(await alex.say('protocol add', 'channel'), 'the protocol form');
    const parties = form.fields.find((f) => f.id === 'parties');
    const owners = form.fields.find((f) => f.id === 'owner');
    await alex.submit(form, {
      title: p.title,
      kind: p.kind,
      purpose: `${p.title}: how the partners work together on it.`,
      parties:
        parties?.kind === 'multichoice'
          ? parties.options
              .slice(0, p.parties)
              .map((o) => o.value)
              .join(',')
          : '',
      owner: owners?.kind === 'choice' ? owners.options[0]!.value : '',
      link: '',
      cycle: '12',
      next: p.next,
    });
  }
}

const firstOption = (form: Form, id: string) => {
  const f = form.fields.find((x) => x.id === id);
  return f && (f.kind === 'choice' || f.kind === 'multichoice') ? f.options[0]!.value : '';
};

function formOf(reply: Reply, what: string): Form {
  if (!isForm(reply)) throw new Error(`${what} did not open: ${reply.text}`);
  return reply.form;
}

/** A step's reply; a refusal stops the demo, naming the step (it would mean the core changed under it). */
async function accepted(pending: Promise<Reply>, step: string): Promise<Reply> {
  const reply = await pending;
  if (!isForm(reply) && reply.tone === 'error') throw new Error(`the demo step "${step}" was refused: ${reply.text}`);
  return reply;
}
