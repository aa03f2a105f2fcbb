// What an earlier version stored in the clear and this one seals, sealed once
// at start, before serving, under the store's lock (so nothing changes
// meanwhile); each pass loses nothing and does nothing the second time.
import { sealPlainConcerns } from './concerns/concern-seal.js';
import type { Coordination } from './ports/coordination.js';
import type { Repository } from './ports/repository.js';
import { sealPlainAnswerGroups } from './answer-group.js';
import { LEGACY_WORKSPACE, samePerson, type Platform } from './model.js';

export async function sealWhatEarlierVersionsLeftPlain(
  store: Repository & Pick<Coordination, 'exclusive'>,
  secret: string,
  now: Date,
): Promise<{ concerns: number; answerSets: number }> {
  return store.exclusive('trellis', async () => ({
    concerns: await sealPlainConcerns(store, secret),
    answerSets: await sealPlainAnswerGroups(store, secret, now),
  }));
}

/**
 * People and homes recorded before workspaces belong to the one workspace
 * connected then (SLACK_BOT_TOKEN's, a single-tenant Teams registration's):
 * once that workspace is known they are moved into it. A person who has since
 * joined again from it keeps that membership and the old one stays as it was.
 */
export async function adoptLegacyWorkspace(
  store: Repository & Pick<Coordination, 'exclusive'>,
  platform: Platform,
  workspace: string,
): Promise<{ members: number; homes: number }> {
  return store.exclusive('trellis', async () => {
    const adopted = { members: 0, homes: 0 };
    for (const p of await store.partnerships()) {
      const members = await store.members(p.id);
      for (const m of members) {
        if (m.platform !== platform || m.workspace !== LEGACY_WORKSPACE) continue;
        const moved = { ...m, workspace };
        if (members.some((other) => other.id !== m.id && samePerson(other, moved))) continue;
        await store.saveMember(moved);
        adopted.members++;
      }
      const legacy = (h: (typeof p.homes)[number]) => h.platform === platform && h.workspace === LEGACY_WORKSPACE;
      if (p.homes.some(legacy)) {
        adopted.homes += p.homes.filter(legacy).length;
        await store.savePartnership({ ...p, homes: p.homes.map((h) => (legacy(h) ? { ...h, workspace } : h)) });
      }
    }
    return adopted;
  });
}
