// Teams dialogs (task modules): a button that opens a private form asks for
// it with a `task/fetch` invoke, and the form comes back as `task/submit`.
// Both are answered in the invoke's HTTP response, never posted to the chat.
import type { TaskModuleTaskInfo, TurnContext } from 'botbuilder';
import type { Application } from '@microsoft/teams-ai';
import type { AdapterDeps } from '../adapter.js';
import { isForm, type Message, type Reply } from '../../core/message.js';
import { reportError, SORRY } from '../../report-error.js';
import { toPlain } from './render-card.js';
import { formTask } from './render-form-card.js';
import { isInvoke, TASK_FETCH, TASK_SUBMIT, toFetchAction, toFormSubmit } from './task-request.js';

export const BAD_DIALOG_CLICK = "That button didn't come from a Trellis card I can read, so nothing was opened. Type help to see what you can do.";
export const BAD_FORM = "That form didn't come from a Trellis dialog I can read, so nothing was recorded. Open it again from its card.";

/** A `message` response: Teams shows the text in the dialog, which the person then closes. */
const says = (m: Message): string => toPlain(m.text);

/** What a click in a card leads to: the form in the dialog, or what the core said instead. */
const opened = (reply: Reply): TaskModuleTaskInfo | string => (isForm(reply) ? formTask(reply.form) : says(reply));

export function registerTaskRoutes(app: Application, { trellis, log }: AdapterDeps): void {
  // Unexpected failures become the apology inside the dialog: an invoke must
  // always be answered, and nothing about the form is logged.
  const guarded =
    <T>(where: string, work: (context: TurnContext) => Promise<T | string>) =>
    async (context: TurnContext): Promise<T | string> => {
      try {
        return await work(context);
      } catch (err) {
        reportError(log, where, err);
        return SORRY;
      }
    };

  app.taskModules.fetch(
    async (context) => isInvoke(context.activity, TASK_FETCH),
    guarded('teams dialog', async (context) => {
      const click = toFetchAction(context.activity);
      return click ? opened(await trellis.action(click)) : BAD_DIALOG_CLICK;
    }),
  );

  app.taskModules.submit(
    async (context) => isInvoke(context.activity, TASK_SUBMIT),
    guarded('teams dialog submit', async (context) => {
      const submitted = toFormSubmit(context.activity);
      if (!submitted) return BAD_FORM;
      const reply = await trellis.submit(submitted.request);
      if (!reply.fieldErrors || !submitted.reopen) return says(reply);
      // Refused because of some fields: the same form again (opened by the
      // core's own button for it, re-checked like any click), with the
      // person's choices kept and each error under its field.
      const again = await trellis.action(submitted.reopen);
      if (!isForm(again)) return says(again);
      // A reopen that leads to another form (forged data) shows only the refusal.
      if (again.form.submitActionId !== submitted.request.actionId || again.form.context !== submitted.request.context) return says(reply);
      return formTask(again.form, { values: submitted.request.values, errors: reply.fieldErrors, error: reply.text });
    }),
  );
}
