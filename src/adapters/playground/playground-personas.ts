// Who the playground lets you act as: six made-up people, and those added on
// the page (kept in playground-people.json beside the data file, so they
// survive a restart). Each is only a name the page acts under: what they are
// in a partnership (member, organisation, role) the core decides, as for
// anyone on Slack or Teams, so adding people changes nothing in the privacy
// model: every figure still needs `k` real answers from `k` people.
import { z } from 'zod';
import { MAX_NAME_LENGTH } from '../../core/grammar.js';
import type { Caller, Place } from '../../core/request.js';
import type { Persona } from './playground-api.js';
import { besideData, latestWriter, readJsonFile } from './playground-file.js';

export const BUILT_IN_PERSONAS: readonly Persona[] = [
  { id: 'alex', name: 'Alex Morgan', hint: 'Partnership coordinator at the City Council' },
  { id: 'sam', name: 'Sam Patel', hint: 'Service manager at the Health Trust' },
  { id: 'dana', name: 'Dana Brooks', hint: 'Adviser at the Employment Service' },
  { id: 'jo', name: 'Jo Williams', hint: 'Project worker at a voluntary organisation' },
  { id: 'priya', name: 'Priya Shah', hint: "Volunteer with a residents' community group" },
  { id: 'chris', name: 'Chris Evans', hint: 'Independent critical friend' },
];

/** The one shared channel: the partnership's home in the playground. */
export const ROOM = { conversationId: 'playground-room', kind: 'channel', label: '#partnership-room' } as const satisfies Place;
export type Where = 'channel' | 'personal';

/** A persona as the core sees them: a person on the playground "platform". */
export const callerOf = (p: Persona): Caller => ({ platform: 'playground', workspace: 'playground', userId: `pg-${p.id}`, displayName: p.name });
export const placeOf = (id: string, w: Where): Place => (w === 'channel' ? ROOM : { conversationId: `pg-dm-${id}`, kind: 'personal' });

export const PEOPLE_FILE = 'playground-people.json';
export const MAX_PERSONAS = 40;
export const MIN_PERSON_NAME = 2;
export const MAX_PERSON_NAME = 40;

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Letters first, then letters, spaces, hyphens, apostrophes and full stops: a person's name, nothing that reads as markup. */
const NAME = /^\p{L}[\p{L}\p{M} '’.-]*$/u;

const added = z.object({
  id: z.string().regex(ID),
  name: z.string().min(MIN_PERSON_NAME).max(MAX_PERSON_NAME).regex(NAME),
  organisation: z.string().min(1).max(MAX_NAME_LENGTH),
});
type Added = z.infer<typeof added>;
const file = z.object({ version: z.literal(1), people: z.array(added).max(MAX_PERSONAS) });

/** A name as it is kept and compared: spaces collapsed, trimmed. */
export const tidyName = (name: string) => name.replace(/\s+/g, ' ').trim();

export type NameCheck = { ok: true; name: string } | { ok: false; error: string };

export class PlaygroundPersonas {
  private readonly people: Added[] = [];
  private readonly writer;

  private constructor(
    private readonly path: string,
    onError: (err: unknown) => void,
  ) {
    this.writer = latestWriter(path, () => ({ version: 1, people: this.people }), onError);
  }

  /** The personas beside `dataFile`. A file that cannot be read is reported and left untouched: the page offers the built-in people only. */
  static async open(dataFile: string, onError: (err: unknown) => void): Promise<{ personas: PlaygroundPersonas; problem?: string }> {
    const personas = new PlaygroundPersonas(besideData(dataFile, PEOPLE_FILE), onError);
    const read = await readJsonFile(personas.path, file);
    if (!read.ok) return { personas: personas.readOnly(), problem: read.error };
    personas.people.push(...(read.value?.people ?? []).filter((p) => !BUILT_IN_PERSONAS.some((b) => b.id === p.id)));
    return { personas };
  }

  private frozen = false;
  private readOnly() {
    this.frozen = true;
    return this;
  }

  all(): Persona[] {
    return [...BUILT_IN_PERSONAS, ...this.people.map((p) => ({ id: p.id, name: p.name, hint: hintFor(p.organisation) }))];
  }

  byId(id: string): Persona | undefined {
    return this.all().find((p) => p.id === id);
  }

  /** Why `raw` cannot be a new person's name (too short or long, odd characters, taken), or the name tidied. */
  checkName(raw: string): NameCheck {
    const name = tidyName(raw);
    if (name.length < MIN_PERSON_NAME || name.length > MAX_PERSON_NAME)
      return { ok: false, error: `A name is ${MIN_PERSON_NAME} to ${MAX_PERSON_NAME} characters (this is ${name.length}).` };
    if (!NAME.test(name)) return { ok: false, error: 'A name starts with a letter and has only letters, spaces, hyphens, apostrophes and full stops.' };
    const taken = this.all().find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (taken) return { ok: false, error: `There is already someone called ${taken.name} here. Choose another name.` };
    if (this.frozen) return { ok: false, error: `${PEOPLE_FILE} could not be read, so nobody can be added until it is fixed or moved aside.` };
    if (this.people.length >= MAX_PERSONAS) return { ok: false, error: `The playground holds at most ${MAX_PERSONAS} added people.` };
    return { ok: true, name };
  }

  /** The persona `name` would become, not yet kept (see `keep`). `name` must have passed `checkName`. */
  draft(name: string, organisation: string): Added {
    const base = slug(name) || 'person';
    let id = base;
    for (let n = 2; this.byId(id); n++) id = `${base.slice(0, 36)}-${n}`;
    return { id, name, organisation };
  }

  /** Keeps a drafted persona; on disk once `flushed` resolves. */
  keep(person: Added): Persona {
    this.people.push(person);
    this.writer.changed();
    return this.byId(person.id)!;
  }

  flushed(): Promise<void> {
    return this.writer.flushed();
  }
}

const hintFor = (organisation: string) => (organisation.toLowerCase() === 'independent' ? 'Independent, added here' : `At ${organisation}, added here`);

const slug = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
