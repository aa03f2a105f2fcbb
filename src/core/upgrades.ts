// What an earlier version stored in the clear and this one seals, sealed once
// at start, before serving, under the store's lock (so nothing changes
// meanwhile); each pass loses nothing and does nothing the second time.
import { sealPlainConcerns } from './concerns/concern-seal.js';
import type { Coordination } from './ports/coordination.js';
import type { Repository } from './ports/repository.js';
import { sealPlainAnswerGroups } from './answer-group.js';

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
