// Teams activities in, core calls, Adaptive Cards out. Transport only: no rules here.
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { AdapterDeps } from '../adapter.js';
import { failure, info, isForm, type Message, type Reply } from '../../core/message.js';
import { reportError } from '../../report-error.js';
import { rememberConversation } from './conversation-reference.js';
import { noteInstallation } from './uninstall.js';
import { renderReply } from './render-card.js';
import { isCardSubmit, isTrellisSubmit, toAction, toCommand } from './to-request.js';

export const BAD_CLICK = "That button didn't come from a Trellis card I can read, so nothing was changed. Type `help` to see what you can do.";
export const OPENS_IN_DIALOG = 'This opens in a private dialog, so that nothing you enter stays in the chat.';

/**
 * A form can only open in a dialog (task-routes.ts), and Teams opens a dialog
 * only from a button. A typed command or a plain click that leads to one (an
 * old card, a client without dialogs) gets the core's button that opens it.
 */
const asMessage = (r: Reply): Message =>
  isForm(r)
    ? info(OPENS_IN_DIALOG, {
        title: r.form.title,
        buttons: [{ actionId: r.form.reopen.actionId, label: 'Open', value: r.form.reopen.value, style: 'primary', opensForm: true }],
      })
    : r;

const reply = async (context: TurnContext, m: Message) => void (await context.sendActivity(renderReply(m)));

export function registerRoutes(app: Application, { trellis, store, clock, log }: AdapterDeps): void {
  // Every message and install refreshes where the bot can write later. A
  // failure here is reported but never stops the person's command.
  app.turn('beforeTurn', async (context) => {
    await rememberConversation(store, clock, context.activity).catch((err: unknown) => reportError(log, 'teams conversation reference', err));
    await noteInstallation(trellis, context.activity).catch((err: unknown) => reportError(log, 'teams installation', err));
    return true;
  });

  const click = async (context: TurnContext) => {
    const action = toAction(context.activity);
    await reply(context, action ? asMessage(await trellis.action(action)) : failure(BAD_CLICK));
  };

  // Added to a team, a group chat or a personal chat: say hello once.
  app.conversationUpdate('membersAdded', async (context) => {
    const a = context.activity;
    if (!a.membersAdded?.some((m) => m.id === a.recipient.id)) return;
    await reply(context, asMessage(await trellis.command({ ...toCommand(a), text: 'help' })));
  });

  // A click on a Trellis card: Action.Submit data { verb: 'trellis', actionId, value }.
  app.adaptiveCards.actionSubmit(async (context) => isTrellisSubmit(context.activity), click);

  app.activity(ActivityTypes.Message, async (context) => {
    // A submit without our verb is not from a Trellis card: refused, not run.
    if (isCardSubmit(context.activity)) return click(context);
    await reply(context, asMessage(await trellis.command(toCommand(context.activity))));
  });
}
