// Which organisation (and so sector) an answer set counts towards, sealed at
// rest with AES-256-GCM under TRELLIS_SECRET. In the clear it would name the
// person behind every answer from an organisation of one — common in a
// partnership, where a small charity sends one person — to whoever holds the
// data. The running server opens it when figures are computed.
import { TrellisError } from './errors.js';
import type { AnswerSet, Organisation, Sector } from './model.js';
import type { Repository } from './ports/repository.js';
import { sealText, unseal } from './seal.js';

const PURPOSE = 'answer-group';
/** Empty for someone in no organisation (an independent). */
interface Group {
  o?: string;
  s?: Sector;
}
/** Sealed text grows with what it hides: padded to a whole number of these, every group (none included) seals to one length. */
const PAD_TO = 128;

/** Every answer set gets one, even without an organisation: the field's presence or length would otherwise tell them apart. */
export function sealedGroup(secret: string, org: Pick<Organisation, 'id' | 'sector'> | undefined): Required<Pick<AnswerSet, 'group'>> {
  const json = JSON.stringify((org ? { o: org.id, s: org.sector } : {}) satisfies Group);
  return { group: sealText(secret, PURPOSE, json.padEnd(Math.ceil(json.length / PAD_TO) * PAD_TO)) };
}

// A closed round's sets never change, yet every digest, `trends` and dashboard
// reads them all again: each is opened once (per secret), up to a bound.
const opened = new Map<string, Map<string, Group>>();
const KEEP_OPENED = 200_000;

function openGroup(secret: string, sealed: string): Group {
  let cache = opened.get(secret);
  if (!cache) opened.set(secret, (cache = new Map()));
  let group = cache.get(sealed);
  if (!group) {
    group = unseal<Group>(secret, PURPOSE, sealed); // JSON.parse ignores the padding
    if (!group || typeof group !== 'object') {
      throw new TrellisError(
        'STORE_CORRUPT',
        "An answer set's organisation cannot be opened: it was sealed under another TRELLIS_SECRET, or altered. Nothing was changed.",
      );
    }
    if (cache.size >= KEEP_OPENED) cache.clear();
    cache.set(sealed, group);
  }
  return group;
}

/** The sets as the figures need them: organisation and sector opened (sets from before sealing already have them). */
export function openGroups(secret: string, sets: AnswerSet[]): AnswerSet[] {
  return sets.map(({ group, ...set }) => {
    if (group === undefined) return set;
    const g = openGroup(secret, group);
    return g.o && g.s ? { ...set, organisationId: g.o, sector: g.s } : set;
  });
}

/** Recorded once the pass below has run, so later starts need not read every answer set again. */
const UPGRADED = 'upgrade:answer-groups-sealed';

/**
 * The one-time upgrade: gives every answer set an earlier version stored its
 * sealed group, taking the organisation and sector out of the clear and
 * keeping its answers and its key.
 * Runs before serving, under the store's lock, so no answer changes meanwhile.
 */
export async function sealPlainAnswerGroups(store: Repository, secret: string, now: Date): Promise<number> {
  if (await store.reminderSent(UPGRADED)) return 0;
  let sealed = 0;
  for (const p of await store.partnerships()) {
    const ids = [...(await store.rounds(p.id)).map((r) => r.id), ...(await store.protocols(p.id)).flatMap((x) => x.reviews.map((r) => r.id))];
    for (const id of ids) {
      for (const { organisationId, sector, ...set } of await store.answerSets(id)) {
        if (set.group !== undefined) continue;
        if ((organisationId === undefined) !== (sector === undefined)) continue; // half a group: kept as it is, never guessed
        await store.saveAnswerSet({ ...set, ...sealedGroup(secret, organisationId && sector ? { id: organisationId, sector } : undefined) });
        sealed++;
      }
    }
  }
  await store.saveSentReminder({ key: UPGRADED, sentAt: now.toISOString(), late: false });
  return sealed;
}
