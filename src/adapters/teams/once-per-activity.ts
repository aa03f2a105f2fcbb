// Teams resends an activity it thinks went unanswered, and a captured request
// can be sent again while its bearer token lives. Each activity is claimed by
// its id (unique within its conversation) once it is authenticated, so that
// only the first delivery runs; and every invoke gets an answer, as Teams
// expects one for each.
import { INVOKE_RESPONSE_KEY, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { AdapterDeps } from '../adapter.js';
import { TASK_FETCH, TASK_SUBMIT } from './task-request.js';

/** Longer than a Bot Framework token is valid (an hour) and Teams' resends, with room for clocks. */
export const ACTIVITY_TTL_MS = 2 * 60 * 60_000;

/** What a second delivery of a dialog's click or submit shows; the first answer may be for the person only. */
export const ALREADY_RECEIVED =
  'Trellis had already received this, so nothing more was recorded. Close this dialog; to send something different, open it again from its card.';

const answer = (context: TurnContext, response: InvokeResponse) => context.sendActivity({ type: 'invokeResponse', value: response });

export function oncePerActivity({ claims, log }: Pick<AdapterDeps, 'claims' | 'log'>, run: (context: TurnContext) => Promise<void>) {
  return async (context: TurnContext): Promise<void> => {
    const a = context.activity;
    if (await claims.first('teams', `teams:${a.channelId}:${a.conversation.id}:${a.id}`, ACTIVITY_TTL_MS)) await run(context);
    else {
      // The kind only: ids here lead back to people.
      log.debug('teams: duplicate delivery ignored', { kind: a.type });
      if (a.type === 'invoke' && (a.name === TASK_FETCH || a.name === TASK_SUBMIT))
        await answer(context, { status: 200, body: { task: { type: 'message', value: ALREADY_RECEIVED } } });
    }
    // An invoke no route answered (a kind Trellis has no use for) gets the empty 200 Teams accepts, not botbuilder's 501.
    if (a.type === 'invoke' && !context.turnState.get(INVOKE_RESPONSE_KEY)) await answer(context, { status: 200 });
  };
}
