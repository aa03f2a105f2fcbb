// Private forms over Slack: a core Form opens as a modal, its view_submission
// goes back to the core, and the reply replaces the modal. Nothing submitted
// is posted to a conversation or logged.
import type { App } from '@slack/bolt';
import type { AdapterDeps } from '../adapter.js';
import { failure, info, type Message } from '../../core/message.js';
import { personKey, slackCaller } from './slack-person.js';
import { reportError, SORRY } from '../../report-error.js';
import type { HomeRefresher } from './app-home.js';
import { FORM_CALLBACK_ID, INPUT_ACTION_ID, parseFormMetadata, renderMessageModal } from './render-modal.js';
import { DEDUPE_TTL_MS, digestOf } from './dedupe.js';

interface StateElement {
  /** plain_text_input */
  value?: string | null;
  /** radio_buttons, static_select */
  selected_option?: { value?: unknown } | null;
  /** checkboxes, multi_static_select */
  selected_options?: unknown;
  /** datepicker: YYYY-MM-DD */
  selected_date?: string | null;
}
type StateValues = Record<string, Record<string, StateElement | undefined> | undefined>;

/**
 * What a second delivery of a submission is told (a double click, a replayed
 * capture). Not the first answer: that may carry what only the person should
 * see (a concern's pseudonym), and a replay's sender may be someone else.
 */
export const ALREADY_RECEIVED =
  'Trellis had already received this form, so nothing more was recorded. Close this window; to send something different, open the form again.';

export const NOT_RECOGNISED = 'Trellis did not recognise this form, so nothing was recorded. Open it again from the message or from Trellis in your sidebar.';

/** The values of several chosen options, joined with commas as the core expects; undefined if any is not a string. */
function joinedOptions(selected: unknown): string | undefined {
  if (!Array.isArray(selected)) return undefined;
  const values = selected.map((o: unknown) => (o && typeof o === 'object' ? (o as { value?: unknown }).value : undefined));
  return values.every((v): v is string => typeof v === 'string') ? values.join(',') : undefined;
}

function elementValue(element: StateElement | undefined): unknown {
  if (!element) return undefined;
  if (element.selected_option) return element.selected_option.value;
  if ('selected_options' in element) return joinedOptions(element.selected_options);
  if ('selected_date' in element) return element.selected_date;
  return element.value;
}

/**
 * field id (block_id) → the chosen option's value, the chosen options' values
 * joined with commas, the date picked (YYYY-MM-DD) or the text typed;
 * unanswered fields are left out. The core checks every value again.
 */
export function readValues(state: StateValues | undefined): Record<string, string> {
  const entries: [string, string][] = [];
  for (const [blockId, actions] of Object.entries(state ?? {})) {
    const value = elementValue(actions?.[INPUT_ACTION_ID] ?? Object.values(actions ?? {})[0]);
    if (typeof value === 'string' && value !== '') entries.push([blockId, value]);
  }
  // fromEntries defines own properties: a block_id of "__proto__" stays an (unknown) field.
  return Object.fromEntries(entries);
}

const blockIdsOf = (blocks: unknown): Set<string> =>
  new Set((Array.isArray(blocks) ? blocks : []).map((b) => (b as { block_id?: unknown })?.block_id).filter((id): id is string => typeof id === 'string'));

/** The errors answered to submissions that recorded nothing, so that the same values sent again get them again (bounded; this instance only). */
class Refusals {
  private readonly acks = new Map<string, Record<string, string>>();
  remember(identity: string, errors: Record<string, string>): void {
    this.acks.set(identity, errors);
    if (this.acks.size > 500) this.acks.delete(this.acks.keys().next().value!);
  }
  of(identity: string): Record<string, string> | undefined {
    return this.acks.get(identity);
  }
}

export function registerForms(bolt: App, { trellis, log, claims }: AdapterDeps, homes: HomeRefresher): void {
  const refusals = new Refusals();
  bolt.view({ callback_id: FORM_CALLBACK_ID, type: 'view_submission' }, async ({ ack, body, view, context }) => {
    const update = (m: Message) => ack({ response_action: 'update', view: renderMessageModal(m, view.title?.text || 'Trellis') });
    // Everything the submission is read by: one version of one modal (its hash changes when Trellis
    // updates it), from one person, with these values. Each click on Send is a new trigger_id, so a
    // double click is found by what was sent, not by its trigger.
    const identity = `slack:view:${digestOf([body.user.id, view.id, view.hash, view.private_metadata, view.state?.values ?? null])}`;
    if (!(await claims.first('slack', identity, DEDUPE_TTL_MS))) {
      const refused = refusals.of(identity);
      log.debug('slack: duplicate delivery ignored', { kind: 'submission' });
      return refused ? ack({ response_action: 'errors', errors: refused }) : update(info(ALREADY_RECEIVED));
    }
    const meta = parseFormMetadata(view.private_metadata);
    if (!meta) return update(failure(NOT_RECOGNISED));

    const caller = slackCaller(context, body.user.id, body.user.name ?? '');
    let reply: Message;
    try {
      // Local and fast: the modal is answered within Slack's 3 seconds.
      reply = await trellis.submit({ caller, actionId: meta.actionId, context: meta.context, values: readValues(view.state?.values) });
    } catch (err) {
      reportError(log, 'slack form submit', err);
      return update(failure(SORRY));
    }

    if (reply.fieldErrors) {
      // Slack accepts errors only for input blocks in this view; anything else is shown as text.
      const inView = blockIdsOf(view.blocks);
      const errors = Object.fromEntries(Object.entries(reply.fieldErrors).filter(([id]) => inView.has(id)));
      if (Object.keys(errors).length === Object.keys(reply.fieldErrors).length) {
        refusals.remember(identity, errors);
        return ack({ response_action: 'errors', errors });
      }
      return update({ ...reply, items: Object.values(reply.fieldErrors) });
    }
    await update(reply);
    // Their App Home (overview, check-in buttons) is stale now; it is refreshed later, off this hot path.
    if (reply.tone === 'success') homes.refresh(personKey(caller));
  });
}
