// Slack payloads in, core calls, Block Kit out. Transport only: no rules here.
import type { App, webApi } from '@slack/bolt';
import type { AdapterDeps } from '../adapter.js';
import type { Place } from '../../core/request.js';
import { personKey, slackCaller, workspaceOf } from './slack-person.js';
import { reportError, SORRY } from '../../report-error.js';
import { failure, isForm, type Form, type Message, type Reply } from '../../core/message.js';
import { fallbackText, fromActionId, isLinkActionId, renderBlocks, renderResponse } from './render-blocks.js';
import { formButton, renderFormModal, renderMessageModal } from './render-modal.js';
import { dedupeDeliveries } from './dedupe.js';
import { uploadChart } from './slack-chart.js';
import { registerForms } from './slack-forms.js';
import { publishHome, type HomeRefresher } from './app-home.js';

type Respond = (message: ReturnType<typeof renderResponse>) => Promise<unknown>;

export function registerListeners(bolt: App, deps: AdapterDeps, homes: HomeRefresher): void {
  const { trellis, log } = deps;
  const names = displayNames();
  // First of our middleware: a duplicate delivery stops here, before any listener acts.
  bolt.use(dedupeDeliveries(deps));

  // Ack first (Slack gives us 3 s), answer through response_url after.
  const answer = async (respond: Respond, where: string, work: () => Promise<Message | undefined>) => {
    try {
      const reply = await work();
      if (reply) await respond(renderResponse(reply));
    } catch (err) {
      reportError(log, where, err);
      await respond(renderResponse(failure(SORRY))).catch(() => undefined);
    }
  };

  bolt.command(/.*/, async ({ ack, command, respond, client, context }) => {
    await ack();
    await answer(respond, 'slack command', async () => {
      const caller = slackCaller(context, command.user_id, await names(client, command.user_id, command.user_name));
      const reply = await trellis.command({ caller, place: placeOf(command.channel_id, command.channel_name), text: command.text ?? '' });
      if (!isForm(reply)) return reply;
      // A form opens straight away as a modal: the command's trigger_id allows it (for 3 s).
      const opened = await openForm(client, command.trigger_id, reply.form);
      return opened ? undefined : formButton(reply.form);
    });
  });

  /** Opens `form` as a modal; false (logged) when Slack refuses, e.g. an expired trigger_id. */
  const openForm = async (client: webApi.WebClient, triggerId: string | undefined, form: Form): Promise<boolean> => {
    if (!triggerId) return false;
    try {
      await client.views.open({ trigger_id: triggerId, view: renderFormModal(form) });
      return true;
    } catch (err) {
      reportError(log, 'slack form open', err);
      return false;
    }
  };

  // The bot's Messages tab: the same words as after /trellis, typed to the bot.
  bolt.message(async ({ message, say, client, context }) => {
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('user' in message) || !message.user) return;
    const userId = message.user;
    try {
      const caller = slackCaller(context, userId, await names(client, userId, ''));
      const result = await trellis.command({ caller, place: { conversationId: message.channel, kind: 'personal' }, text: message.text ?? '' });
      // A typed message brings no trigger_id, so a form cannot open yet: a button opens it.
      const reply = isForm(result) ? formButton(result.form) : result;
      await say({ text: fallbackText(reply), blocks: renderBlocks(reply) });
      // Unlike a slash command's private reply, a DM can carry the chart as an image.
      if (reply.chart) await uploadChart(client, message.channel, reply.chart).catch((err: unknown) => reportError(log, 'slack chart upload', err));
    } catch (err) {
      reportError(log, 'slack direct message', err);
      await say(SORRY).catch(() => undefined);
    }
  });

  // "@trellis status" in a channel: the same words as after /trellis, as in Teams. Whatever is
  // for everyone there is posted there (in the thread, if asked in one); the rest only the asker sees.
  bolt.event('app_mention', async ({ event, context, client }) => {
    const userId = event.user;
    if (!userId) return;
    const thread = event.thread_ts ? { thread_ts: event.thread_ts } : {};
    try {
      const caller = slackCaller(context, userId, await names(client, userId, ''));
      const place: Place = event.channel.startsWith('D')
        ? { conversationId: event.channel, kind: 'personal' }
        : { conversationId: event.channel, kind: 'channel' };
      const result = await trellis.command({ caller, place, text: withoutMention(event.text, context.botUserId) });
      // A mention brings no trigger_id, so a form cannot open yet: a button opens it.
      const reply = isForm(result) ? formButton(result.form) : result;
      const content = { channel: event.channel, text: fallbackText(reply), blocks: renderBlocks(reply), ...thread };
      if (reply.audience !== 'conversation') return void (await client.chat.postEphemeral({ ...content, user: userId }));
      const posted = await client.chat.postMessage(content);
      if (reply.chart && posted.ts)
        await uploadChart(client, event.channel, reply.chart, posted.ts).catch((err: unknown) => reportError(log, 'slack chart upload', err));
    } catch (err) {
      reportError(log, 'slack app mention', err);
      await client.chat.postEphemeral({ channel: event.channel, user: userId, text: SORRY, ...thread }).catch(() => undefined);
    }
  });

  bolt.action({ type: 'block_actions' }, async ({ ack, body, action, respond, client, context }) => {
    await ack();
    // A link button opens its URL in the browser; Slack reports the click, and that is all it is.
    if ('action_id' in action && isLinkActionId(action.action_id)) return;
    // A click in a message has a response_url; one in App Home or a modal has only a trigger_id.
    const responseUrl = typeof body.response_url === 'string' && body.response_url !== '';
    const inModal = body.view?.type === 'modal';
    const openView = (view: ReturnType<typeof renderFormModal>) =>
      inModal ? client.views.push({ trigger_id: body.trigger_id, view }) : client.views.open({ trigger_id: body.trigger_id, view });
    const show = async (reply: Reply) => {
      if (isForm(reply)) await openView(renderFormModal(reply.form));
      else if (responseUrl) await respond(renderResponse(reply));
      else await openView(renderMessageModal(reply));
    };
    try {
      const actionId = 'action_id' in action ? fromActionId(action.action_id) : undefined;
      const value = 'value' in action ? action.value : undefined;
      if (!actionId || typeof value !== 'string')
        return await show(failure("That button isn't one Trellis knows. Type `/trellis help` to see what you can do."));
      const caller = slackCaller(context, body.user.id, await names(client, body.user.id, body.user.name ?? ''));
      const place = body.channel ? placeOf(body.channel.id, body.channel.name ?? '') : ({ conversationId: body.user.id, kind: 'personal' } as const);
      const reply = await trellis.action({ caller, place, actionId, value });
      await show(reply);
      // A console button clicked in App Home changed something (a round opened): the Home catches up, off this path.
      if (body.view?.type === 'home' && !isForm(reply) && reply.tone === 'success')
        homes.refresh(personKey({ workspace: workspaceOf(context), userId: body.user.id }));
    } catch (err) {
      reportError(log, 'slack action', err);
      await show(failure(SORRY)).catch(() => undefined);
    }
  });

  registerForms(bolt, deps, homes);

  bolt.event('app_home_opened', async ({ event, client, context }) => {
    if (event.tab !== 'home') return;
    // Someone is looking at it now: publish straight away, which covers any refresh still queued.
    const person = { workspace: workspaceOf(context), userId: event.user };
    homes.drop(personKey(person));
    await publishHome(trellis, client, person);
  });

  bolt.error(async (err) => reportError(log, 'slack', err));
}

const placeOf = (channelId: string, channelName: string): Place =>
  channelId.startsWith('D') || channelName === 'directmessage'
    ? { conversationId: channelId, kind: 'personal' }
    : { conversationId: channelId, kind: 'channel', label: `#${channelName}` };

/** The words after the bot's own mention (`<@U123>` or `<@U123|trellis>`); other mentions stay, as `role` reads them. */
export const withoutMention = (text: string, botUserId: string | undefined): string =>
  (botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ') : text).replace(/\s+/g, ' ').trim();

/** Slack sends only a legacy handle; members know each other by display name. */
function displayNames() {
  const cache = new Map<string, { name: string; at: number }>();
  const TTL = 60 * 60 * 1000;
  return async (client: webApi.WebClient, userId: string, fallback: string): Promise<string> => {
    const hit = cache.get(userId);
    if (hit && Date.now() - hit.at < TTL) return hit.name;
    try {
      const { user } = await client.users.info({ user: userId });
      const name = user?.profile?.display_name || user?.real_name || user?.name || fallback || userId;
      cache.set(userId, { name, at: Date.now() });
      return name;
    } catch {
      return fallback || userId;
    }
  };
}
