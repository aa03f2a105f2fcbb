// Everything the core can say, gathered by driving it broadly through its front
// door: every command (with the longest names, purposes and statements the
// grammar allows, and names full of characters renderers must escape), every
// form filled to its maximum lengths and submitted, every button followed, every
// message it sends (check-ins, reminders, digests, announcements) and every
// App Home overview. The renderers' limits tests run over the lot.
import { isForm, type Form, type FormField, type Message, type Reply } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { MAX_NAME_LENGTH, MAX_PURPOSE_LENGTH, USAGE } from '../../src/core/grammar.js';
import { coreTrellis } from './core-trellis.js';

export interface Corpus {
  /** Every message, labelled by how it came about. */
  messages: { label: string; message: Message }[];
  /** Every private form. */
  forms: { label: string; form: Form }[];
  /** App Home overviews. */
  overviews: { label: string; message: Message }[];
}

const SECRET = 'render-limits-secret-0123456789abcdef0123';
const DAY = 86_400_000;

/** `n` characters of text that grows when escaped (&, <, >) and carries emoji (surrogate pairs). */
const long = (n: number, seed = 'Riverside & <Harbour> ') => {
  let s = '';
  while (s.length < n) s += `${seed}🌿 `;
  return s.slice(0, n).trimEnd();
};

const person = (i: number, platform: 'slack' | 'teams' = i % 2 ? 'teams' : 'slack'): Caller => ({
  platform,
  workspace: platform === 'slack' ? 'T0001' : 'tenant-1',
  userId: platform === 'slack' ? `U${String(i).padStart(6, '0')}` : `29:${String(i).padStart(6, '0')}`,
  displayName: `${long(90, `Person ${i} O'Brien-Ñúñez & <co> `)}`,
});

export async function everyReply(): Promise<Corpus> {
  const { clock, messenger, trellis } = coreTrellis('2026-11-23T09:00:00Z', {
    secret: SECRET,
    concernDelayMaxSeconds: 0,
    concernsPerDay: 50,
    publicUrl: () => `https://${'trellis.'.repeat(20)}example.org`,
  });
  const corpus: Corpus = { messages: [], forms: [], overviews: [] };
  const seen = new Set<string>();

  const record = (label: string, r: Reply) => {
    if (isForm(r)) corpus.forms.push({ label, form: r.form });
    else corpus.messages.push({ label, message: r });
    return r;
  };

  const channel: Place = { conversationId: 'C0RIVER', kind: 'channel', label: `#${long(80, 'riverside-')}` };
  const dm = (c: Caller): Place => ({ conversationId: `D-${c.userId}`, kind: 'personal' });
  const coordinator = person(1, 'slack');
  const friend = person(2, 'teams');
  const others = Array.from({ length: 120 }, (_, i) => person(i + 3));
  const everyone = [coordinator, friend, ...others];

  const say = async (c: Caller, text: string, place: Place = channel) => record(`${text.slice(0, 40)}`, await trellis.command({ caller: c, place, text }));

  /** Fills every field to its longest allowed value (overrides for fields with a format), submits it, and records the reply. */
  const refusedOnce = new Set<string>();
  const fill = async (c: Caller, form: Form, overrides: Record<string, string> = {}) => {
    // Once per kind of form: everything left out or wrong, for the refusal beside each field.
    const kind = form.title.replace(/#\d+|P-\d+|C-\w+/g, 'n');
    if (!refusedOnce.has(kind)) {
      refusedOnce.add(kind);
      const wrong = Object.fromEntries(form.fields.map((f) => [f.id, f.kind === 'text' ? '' : 'not-an-option']));
      record(`refused ${form.title}`, await trellis.submit({ caller: c, actionId: form.submitActionId, context: form.context, values: wrong }));
    }
    const values: Record<string, string> = {};
    for (const f of form.fields) values[f.id] = overrides[f.id] ?? valueFor(f);
    return record(`submit ${form.title}`, await trellis.submit({ caller: c, actionId: form.submitActionId, context: form.context, values }));
  };
  const protocolValues = { link: `https://example.org/${'a'.repeat(470)}`, cycle: '12', next: '2027-01-15' };

  /** Follows the buttons of every message recorded so far, as `callers` (a few of each kind, once each); forms are filled and submitted. */
  const followButtons = async (callers: Caller[]) => {
    const perKind = new Map<string, number>();
    for (let i = 0; i < corpus.messages.length; i++) {
      for (const b of corpus.messages[i]!.message.buttons ?? []) {
        if (b.url) continue;
        for (const c of callers) {
          const key = `${c.userId}:${b.actionId}:${b.value}`;
          const kind = `${c.userId}:${b.actionId}:${b.actionId === 'run' ? b.value : ''}`;
          if (seen.has(key) || (perKind.get(kind) ?? 0) >= 4) continue;
          seen.add(key);
          perKind.set(kind, (perKind.get(kind) ?? 0) + 1);
          // Buttons that would end the round or withdraw links are left for the scenario to run in order.
          if (/^(survey close|dashboard revoke)/.test(b.value)) continue;
          const r = record(`click ${b.label}`, await trellis.action({ caller: c, place: dm(c), actionId: b.actionId, value: b.value }));
          if (isForm(r)) await fill(c, r.form, protocolValues);
        }
      }
    }
  };

  // Help, every topic, and every malformed form of every command (the usage lines).
  await say(coordinator, 'help');
  for (const key of Object.keys(USAGE)) {
    await say(coordinator, `help ${key}`);
    await say(coordinator, key);
    await say(coordinator, `${key} ${long(200, 'nonsense ')}`);
  }
  await say(coordinator, long(1001, 'x'));

  // A partnership with the longest name, many long-named organisations and members.
  const setup = (await say(coordinator, `setup ${long(MAX_NAME_LENGTH)}`)) as Message;
  const code = /\b([A-Z2-9]{4}-[A-Z2-9]{4})\b/.exec(setup.text)![1]!;
  const orgs = Array.from({ length: 40 }, (_, i) => long(MAX_NAME_LENGTH, `Organisation ${i} & <Partners> `));
  for (const [i, org] of orgs.entries()) await say(coordinator, `org add ${org} ${['public', 'private', 'voluntary', 'community'][i % 4]}`);
  await say(coordinator, `join ${code} ${orgs[0]}`, dm(coordinator));
  await say(friend, `join ${code} independent`, dm(friend));
  for (const [i, c] of others.entries()) await say(c, `join ${code} ${orgs[i % orgs.length]}`, dm(c));
  await say(coordinator, `role <@${friend.userId}> critical-friend`);
  await say(coordinator, `role ${others[0]!.displayName} coordinator`);
  await say(coordinator, `set purpose ${long(MAX_PURPOSE_LENGTH)}`);
  await say(coordinator, 'set type coordinating');
  await say(coordinator, 'set timezone America/Argentina/ComodRivadavia');
  await say(coordinator, 'set threshold 3');
  for (const text of ['invite', 'home', 'status', 'members', 'org list', 'survey status', 'trends', 'concerns', 'protocol list']) {
    await say(coordinator, text);
    await say(friend, text, dm(friend));
    await say(others[5]!, text, dm(others[5]!));
  }

  // Statements of the longest kind, a schedule, settings.
  await say(coordinator, `survey question add trust ${long(280, 'We trust each other & <mean> it ')}`);
  await say(coordinator, `survey question add ${long(40, 'ownfactor')} ${long(280, 'Our own statement ')}`);
  await say(coordinator, 'survey schedule monthly 28 23:59');
  await say(coordinator, 'survey settings remind-after 48h window 5d');

  // Check-ins: rounds opened, every form answered to its longest comment, reminders, digests.
  for (let round = 0; round < 4; round++) {
    clock.advance(7 * DAY);
    await say(coordinator, round === 3 ? 'survey healthcheck' : 'survey now');
    await trellis.settled();
    for (const s of messenger.sent.splice(0)) corpus.messages.push({ label: 'private message', message: s.message });
    const checkIns = corpus.messages.filter((m) => m.message.buttons?.some((b) => b.opensForm));
    for (const [i, c] of everyone.entries()) {
      if (i % 3 === round % 3) continue; // some never answer, so reminders and thresholds vary
      const button = checkIns.at(-1)?.message.buttons?.find((b) => b.opensForm);
      if (!button) break;
      const r = await trellis.action({ caller: c, place: dm(c), actionId: button.actionId, value: button.value });
      if (isForm(r)) {
        if (i < 2) record('check-in', r);
        await fill(
          c,
          r.form,
          Object.fromEntries(
            r.form.fields.filter((f) => f.kind === 'choice').map((f, k) => [f.id, (f as { options: { value: string }[] }).options[(i + k + round) % 5]!.value]),
          ),
        );
      }
    }
    clock.advance(3 * DAY);
    await trellis.tick();
    await say(coordinator, 'survey status');
    await say(coordinator, 'survey cancel'); // typed, it only asks
    // Typed, it may first ask (too few answers); the confirmed form then closes it, or says it already is.
    await say(coordinator, 'survey close');
    await say(coordinator, `survey close ${round + 1}`);
    await trellis.settled();
  }
  for (const text of ['trends', 'trends trust', 'trends commitment', 'trends by sector', 'trends settings notable 5 floor 90', 'dashboard', 'export'])
    await say(coordinator, text);

  // Protocols: the longest fields, many of them, reviews opened, answered and closed.
  for (let i = 0; i < 30; i++) {
    const r = await say(coordinator, 'protocol add');
    if (isForm(r)) await fill(coordinator, r.form, protocolValues);
  }
  await say(coordinator, 'protocol reminders 60 30 14 7 3 1');
  for (const text of ['protocol list', 'protocol show P-1', 'protocol edit P-2', 'review start P-1 with trends', 'review status P-1'])
    await say(coordinator, text);
  // The forms commands open when given no words (122 members, 40 organisations, 30 protocols), and each refusing values that are all wrong.
  for (const text of ['survey schedule', 'org add', 'role', 'set', 'protocol reminders', 'review close']) {
    const r = await say(coordinator, text);
    if (!isForm(r)) throw new Error(`\`${text}\` opened no form: ${r.text}`);
    const wrong = Object.fromEntries(r.form.fields.map((f) => [f.id, f.kind === 'text' ? long(1000, 'x') : 'not-an-option']));
    record(`refused ${r.form.title}`, await trellis.submit({ caller: coordinator, actionId: r.form.submitActionId, context: r.form.context, values: wrong }));
  }
  await trellis.settled();
  for (const s of messenger.sent.splice(0)) corpus.messages.push({ label: 'private message', message: s.message });

  // Concerns: the longest text, replies both ways.
  for (const c of [others[1]!, others[2]!, others[3]!]) {
    const r = await say(c, 'concern', dm(c));
    if (isForm(r)) await fill(c, r.form);
  }
  // Concerns reach the critical friend at the next tick.
  clock.advance(60_000);
  await trellis.tick();
  await trellis.settled();
  for (const text of ['concerns', 'concerns themes', 'concerns themes quarter', 'concerns themes publish']) await say(friend, text, dm(friend));

  // Follow every button, as the coordinator, the critical friend and a member; then the messages it led to.
  for (const s of messenger.sent.splice(0)) corpus.messages.push({ label: 'private message', message: s.message });
  await followButtons([coordinator, friend, others[1]!]);
  await trellis.settled();
  for (const s of messenger.sent.splice(0)) corpus.messages.push({ label: 'private message', message: s.message });
  await followButtons([coordinator, friend, others[1]!]);
  await trellis.settled();
  for (const s of messenger.sent.splice(0)) corpus.messages.push({ label: 'private message', message: s.message });
  await followButtons([coordinator, friend, others[1]!, others[2]!]);
  clock.advance(40 * DAY);
  await trellis.tick();
  await say(coordinator, 'review close P-1 revised 2027-09-01');
  // A retired protocol in the register: its line once said "retired · retired".
  await say(coordinator, 'protocol retire P-2');
  await say(coordinator, 'protocol list');
  await say(coordinator, 'dashboard revoke');
  await trellis.settled();

  for (const s of messenger.sent) corpus.messages.push({ label: 'private message', message: s.message });
  for (const p of messenger.posted) corpus.messages.push({ label: 'channel post', message: p.message });
  for (const u of messenger.updates) corpus.messages.push({ label: 'update', message: u.message });
  // Many are alike (a check-in to each of 120 people): each distinct one once.
  const distinct = new Map(corpus.messages.map((m) => [JSON.stringify(m.message), m]));
  corpus.messages = [...distinct.values()];
  for (const c of [coordinator, friend, others[0]!, others[1]!, person(999)]) {
    corpus.overviews.push({ label: `overview ${c.userId}`, message: await trellis.overview(c) });
    // The same console as a reply to `menu`, for every renderer of messages.
    record(`menu ${c.userId}`, await trellis.command({ caller: c, place: dm(c), text: 'menu' }));
    // Everything held about them: the longest answers, comments and names, as list lines.
    record(`my data ${c.userId}`, await trellis.command({ caller: c, place: dm(c), text: 'my data' }));
  }
  return corpus;
}

function valueFor(f: FormField): string {
  switch (f.kind) {
    case 'choice':
      return f.options[0]?.value ?? '';
    case 'multichoice':
      return f.options.map((o) => o.value).join(',');
    case 'date':
      return '2027-03-31';
    case 'text':
      return long(f.maxLength, 'Long text & <tags> typed by someone ');
  }
}
