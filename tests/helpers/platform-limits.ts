// What Slack and Teams will accept, as their documentation states it. Each
// check returns the violations it finds ("where: what"), none when it passes.
//
// Block Kit — https://docs.slack.dev/reference/block-kit/blocks (50 blocks a
// message, 100 in a modal or Home tab; each block's own page for its fields),
// https://docs.slack.dev/reference/block-kit/composition-objects/text-object,
// …/composition-objects/option-object, …/block-elements/button-element,
// …/block-elements/plain-text-input-element, …/block-elements/radio-button-group-element,
// …/block-elements/checkboxes-element, …/block-elements/select-menu-element,
// …/block-elements/multi-select-menu-element, …/block-elements/date-picker-element,
// and https://docs.slack.dev/reference/views/modal-views (title, submit and close
// 24 characters, private_metadata 3000, callback_id 255) and …/views/home-tab-views.
//
// Adaptive Cards 1.5 — the schema at https://adaptivecards.io/explorer/ (each
// element's page: its properties, which are required, their enumerations, the
// version that introduced them); Teams' message size — about 28 KB for a
// message with its card, everything included (https://learn.microsoft.com/connectors/teams/#known-issues-and-limitations,
// "the message size limit is approximately 28 KB"). Teams' bot documentation has
// named 40 KB and now 100 KB of UTF-16 without base64 images
// (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages);
// the smallest figure, counting images too, is the one held to here.

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const len = (x: unknown) => (typeof x === 'string' ? x.length : 0);

export const BLOCK_KIT = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  buttonUrl: 3000,
  optionText: 75,
  optionValue: 150,
  radioOptions: 10,
  checkboxOptions: 10,
  selectOptions: 100,
  /** static_select and multi_static_select: option_groups, each up to 100 options, label 75. */
  selectGroups: 100,
  groupLabel: 75,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  textInputMax: 3000,
  modalTitle: 24,
  modalSubmit: 24,
  modalClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
  /** chat.postMessage truncates text past this (https://docs.slack.dev/reference/methods/chat.postMessage). */
  messageText: 40_000,
} as const;

const L = BLOCK_KIT;

function textObject(where: string, t: unknown, max: number, kinds: string[] = ['plain_text', 'mrkdwn']): string[] {
  if (!isObj(t)) return [`${where}: not a text object`];
  const out: string[] = [];
  if (!kinds.includes(String(t.type))) out.push(`${where}: text type ${String(t.type)} (allowed ${kinds.join(', ')})`);
  if (typeof t.text !== 'string' || t.text.length === 0) out.push(`${where}: empty text`);
  if (len(t.text) > max) out.push(`${where}: text ${len(t.text)} > ${max}`);
  return out;
}

function options(where: string, opts: unknown, max: number): string[] {
  if (!Array.isArray(opts) || opts.length === 0) return [`${where}: no options`];
  const out = opts.length > max ? [`${where}: ${opts.length} options > ${max}`] : [];
  opts.forEach((o, i) => {
    if (!isObj(o)) return void out.push(`${where}.options[${i}]: not an option`);
    out.push(...textObject(`${where}.options[${i}].text`, o.text, L.optionText, ['plain_text', 'mrkdwn']));
    if (typeof o.value !== 'string' || o.value.length === 0 || o.value.length > L.optionValue)
      out.push(`${where}.options[${i}].value: length ${len(o.value)} (1–${L.optionValue})`);
  });
  return out;
}

const values = (opts: unknown) => new Set((Array.isArray(opts) ? opts : []).map((o) => (isObj(o) ? o.value : undefined)));

/** A select's options, whether given as options or as option_groups. */
export const selectOptionsOf = (e: Json): unknown[] =>
  Array.isArray(e.option_groups)
    ? e.option_groups.flatMap((g) => (isObj(g) && Array.isArray(g.options) ? g.options : []))
    : Array.isArray(e.options)
      ? e.options
      : [];

function groups(where: string, e: Json): string[] {
  const list = Array.isArray(e.option_groups) ? e.option_groups : [];
  const out: string[] = [];
  if (e.options !== undefined) out.push(`${where}: both options and option_groups`);
  if (list.length === 0 || list.length > L.selectGroups) out.push(`${where}.option_groups: ${list.length} (1–${L.selectGroups})`);
  list.forEach((g, i) => {
    if (!isObj(g)) return void out.push(`${where}.option_groups[${i}]: not a group`);
    out.push(...textObject(`${where}.option_groups[${i}].label`, g.label, L.groupLabel, ['plain_text']));
    out.push(...options(`${where}.option_groups[${i}]`, g.options, L.selectOptions));
  });
  return out;
}

function element(where: string, e: unknown): string[] {
  if (!isObj(e)) return [`${where}: not an element`];
  const out: string[] = [];
  if (e.action_id !== undefined && (typeof e.action_id !== 'string' || e.action_id.length === 0 || e.action_id.length > L.actionId))
    out.push(`${where}.action_id: length ${len(e.action_id)} (1–${L.actionId})`);
  if (e.placeholder !== undefined) out.push(...textObject(`${where}.placeholder`, e.placeholder, L.placeholder, ['plain_text']));
  switch (e.type) {
    case 'button':
      out.push(...textObject(`${where}.text`, e.text, L.buttonText, ['plain_text']));
      if (len(e.value) > L.buttonValue) out.push(`${where}.value: ${len(e.value)} > ${L.buttonValue}`);
      if (len(e.url) > L.buttonUrl) out.push(`${where}.url: ${len(e.url)} > ${L.buttonUrl}`);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') out.push(`${where}.style: ${String(e.style)}`);
      break;
    case 'plain_text_input': {
      const max = typeof e.max_length === 'number' ? e.max_length : L.textInputMax;
      if (max > L.textInputMax || max < 1) out.push(`${where}.max_length: ${max} (1–${L.textInputMax})`);
      if (len(e.initial_value) > max) out.push(`${where}.initial_value: ${len(e.initial_value)} > max_length ${max}`);
      break;
    }
    case 'radio_buttons':
    case 'checkboxes':
    case 'static_select':
    case 'multi_static_select': {
      const max = { radio_buttons: L.radioOptions, checkboxes: L.checkboxOptions, static_select: L.selectOptions, multi_static_select: L.selectOptions }[
        e.type
      ];
      out.push(...(e.option_groups !== undefined && /select/.test(e.type) ? groups(where, e) : options(where, e.options, max)));
      const allowed = values(selectOptionsOf(e));
      if (isObj(e.initial_option) && !allowed.has(e.initial_option.value)) out.push(`${where}.initial_option: not among the options`);
      for (const o of Array.isArray(e.initial_options) ? e.initial_options : [])
        if (!isObj(o) || !allowed.has(o.value)) out.push(`${where}.initial_options: not among the options`);
      break;
    }
    case 'datepicker':
      if (e.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(e.initial_date))) out.push(`${where}.initial_date: ${String(e.initial_date)}`);
      break;
    case 'mrkdwn':
    case 'plain_text':
      out.push(...textObject(where, e, 3000));
      break;
    case 'image':
      break;
    default:
      out.push(`${where}: unknown element type ${String(e.type)}`);
  }
  return out;
}

function block(where: string, b: unknown): string[] {
  if (!isObj(b)) return [`${where}: not a block`];
  const out: string[] = [];
  if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length === 0 || b.block_id.length > L.blockId))
    out.push(`${where}.block_id: length ${len(b.block_id)} (1–${L.blockId})`);
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) out.push(`${where}: a section needs text or fields`);
      if (b.text !== undefined) out.push(...textObject(`${where}.text`, b.text, L.sectionText));
      if (b.fields !== undefined) {
        const fields = Array.isArray(b.fields) ? b.fields : [];
        if (fields.length === 0 || fields.length > L.sectionFields) out.push(`${where}.fields: ${fields.length} (1–${L.sectionFields})`);
        fields.forEach((f, i) => out.push(...textObject(`${where}.fields[${i}]`, f, L.fieldText)));
      }
      if (b.accessory !== undefined) out.push(...element(`${where}.accessory`, b.accessory));
      break;
    }
    case 'header':
      out.push(...textObject(`${where}.text`, b.text, L.headerText, ['plain_text']));
      break;
    case 'context': {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > L.contextElements) out.push(`${where}.elements: ${elements.length} (1–${L.contextElements})`);
      elements.forEach((e, i) => out.push(...element(`${where}.elements[${i}]`, e)));
      break;
    }
    case 'actions': {
      const elements = Array.isArray(b.elements) ? b.elements : [];
      if (elements.length === 0 || elements.length > L.actionsElements) out.push(`${where}.elements: ${elements.length} (1–${L.actionsElements})`);
      elements.forEach((e, i) => out.push(...element(`${where}.elements[${i}]`, e)));
      const ids = elements.map((e) => (isObj(e) ? e.action_id : undefined)).filter((x) => x !== undefined);
      if (new Set(ids).size !== ids.length) out.push(`${where}: action_ids are not unique`);
      break;
    }
    case 'input':
      out.push(...textObject(`${where}.label`, b.label, L.inputLabel, ['plain_text']));
      if (b.hint !== undefined) out.push(...textObject(`${where}.hint`, b.hint, L.inputHint, ['plain_text']));
      out.push(...element(`${where}.element`, b.element));
      break;
    case 'divider':
      break;
    default:
      out.push(`${where}: unknown block type ${String(b.type)}`);
  }
  return out;
}

function blocks(where: string, list: unknown, max: number): string[] {
  if (!Array.isArray(list)) return [`${where}: blocks is not an array`];
  const out = list.length > max ? [`${where}: ${list.length} blocks > ${max}`] : [];
  list.forEach((b, i) => out.push(...block(`${where}[${i}]`, b)));
  const ids = list.map((b) => (isObj(b) ? b.block_id : undefined)).filter((x) => x !== undefined);
  if (new Set(ids).size !== ids.length) out.push(`${where}: block_ids are not unique`);
  return out;
}

/** A message as chat.postMessage / chat.update / response_url take it: `text` and `blocks`. */
export function checkSlackMessage(where: string, m: { text?: unknown; blocks?: unknown }): string[] {
  const out = blocks(`${where}.blocks`, m.blocks, L.messageBlocks);
  if (typeof m.text !== 'string' || m.text.length === 0) out.push(`${where}.text: missing (the notification and screen-reader text)`);
  if (len(m.text) > L.messageText) out.push(`${where}.text: ${len(m.text)} > ${L.messageText}`);
  return out;
}

export function checkSlackModal(where: string, v: Json): string[] {
  const out = blocks(`${where}.blocks`, v.blocks, L.viewBlocks);
  if (v.type !== 'modal') out.push(`${where}.type: ${String(v.type)}`);
  out.push(...textObject(`${where}.title`, v.title, L.modalTitle, ['plain_text']));
  if (v.submit !== undefined) out.push(...textObject(`${where}.submit`, v.submit, L.modalSubmit, ['plain_text']));
  if (v.close !== undefined) out.push(...textObject(`${where}.close`, v.close, L.modalClose, ['plain_text']));
  if (Array.isArray(v.blocks) && v.blocks.some((b) => isObj(b) && b.type === 'input') && v.submit === undefined)
    out.push(`${where}: input blocks without a submit button`);
  if (len(v.private_metadata) > L.privateMetadata) out.push(`${where}.private_metadata: ${len(v.private_metadata)} > ${L.privateMetadata}`);
  if (len(v.callback_id) > L.callbackId) out.push(`${where}.callback_id: ${len(v.callback_id)} > ${L.callbackId}`);
  return out;
}

export function checkSlackHome(where: string, v: Json): string[] {
  const out = blocks(`${where}.blocks`, v.blocks, L.viewBlocks);
  if (v.type !== 'home') out.push(`${where}.type: ${String(v.type)}`);
  if (len(v.private_metadata) > L.privateMetadata) out.push(`${where}.private_metadata: ${len(v.private_metadata)} > ${L.privateMetadata}`);
  return out;
}

// ---------------------------------------------------------------------------
// Adaptive Cards 1.5
// ---------------------------------------------------------------------------

const COMMON = ['type', 'id', 'spacing', 'separator', 'isVisible', 'requires', 'fallback', 'height'];
const INPUT = [...COMMON, 'label', 'isRequired', 'errorMessage', 'value'];
const ENUMS = {
  spacing: ['default', 'none', 'small', 'medium', 'large', 'extralarge', 'padding'],
  size: ['default', 'small', 'medium', 'large', 'extralarge'],
  imageSize: ['auto', 'stretch', 'small', 'medium', 'large'],
  weight: ['default', 'lighter', 'bolder'],
  color: ['default', 'dark', 'light', 'accent', 'good', 'warning', 'attention'],
  textStyle: ['default', 'heading'],
  choiceStyle: ['compact', 'expanded', 'filtered'],
  actionStyle: ['default', 'positive', 'destructive'],
} as const;

/** Each element type of Adaptive Cards 1.5 Trellis may use: its allowed properties, the required ones, and which take an enumeration. */
const ELEMENTS: Record<string, { props: string[]; required: string[]; enums?: Record<string, readonly string[]> }> = {
  TextBlock: {
    props: [...COMMON, 'text', 'color', 'fontType', 'horizontalAlignment', 'isSubtle', 'maxLines', 'size', 'weight', 'wrap', 'style'],
    required: ['text'],
    enums: { color: ENUMS.color, size: ENUMS.size, weight: ENUMS.weight, style: ENUMS.textStyle, spacing: ENUMS.spacing },
  },
  // Its TextRuns are never read as markdown: a person's words in a conversation.
  RichTextBlock: { props: [...COMMON, 'inlines', 'horizontalAlignment'], required: ['inlines'], enums: { spacing: ENUMS.spacing } },
  FactSet: { props: [...COMMON, 'facts'], required: ['facts'], enums: { spacing: ENUMS.spacing } },
  // msTeams.allowExpand is Teams' own extension of Image (https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
  Image: {
    props: [...COMMON, 'url', 'altText', 'backgroundColor', 'horizontalAlignment', 'selectAction', 'size', 'style', 'width', 'msTeams'],
    required: ['url'],
    enums: { size: ENUMS.imageSize, spacing: ENUMS.spacing },
  },
  'Input.Text': {
    props: [...INPUT, 'isMultiline', 'maxLength', 'placeholder', 'style', 'inlineAction', 'regex'],
    required: ['id'],
    enums: { spacing: ENUMS.spacing },
  },
  'Input.ChoiceSet': {
    props: [...INPUT, 'choices', 'isMultiSelect', 'style', 'placeholder', 'wrap'],
    required: ['id', 'choices'],
    enums: { style: ENUMS.choiceStyle, spacing: ENUMS.spacing },
  },
  'Input.Date': { props: [...INPUT, 'max', 'min', 'placeholder'], required: ['id'], enums: { spacing: ENUMS.spacing } },
  // A group's own buttons in the body (the console's jobs); its actions are checked as the card's are.
  ActionSet: { props: [...COMMON, 'actions', 'horizontalAlignment'], required: ['actions'], enums: { spacing: ENUMS.spacing } },
};
const ACTIONS: Record<string, { props: string[]; required: string[] }> = {
  'Action.Submit': {
    props: ['type', 'id', 'title', 'iconUrl', 'style', 'fallback', 'tooltip', 'isEnabled', 'mode', 'requires', 'data', 'associatedInputs'],
    required: [],
  },
  'Action.OpenUrl': { props: ['type', 'id', 'title', 'iconUrl', 'style', 'fallback', 'tooltip', 'isEnabled', 'mode', 'requires', 'url'], required: ['url'] },
};

function cardElement(where: string, e: unknown, ids: Set<string>): string[] {
  if (!isObj(e)) return [`${where}: not an element`];
  const spec = ELEMENTS[String(e.type)];
  if (!spec) return [`${where}: ${String(e.type)} is not an element Trellis's cards may use`];
  const out: string[] = [];
  for (const k of Object.keys(e)) if (!spec.props.includes(k)) out.push(`${where}.${k}: not a property of ${String(e.type)}`);
  for (const k of spec.required) if (e[k] === undefined || e[k] === '') out.push(`${where}.${k}: required`);
  for (const [k, allowed] of Object.entries(spec.enums ?? {}))
    if (e[k] !== undefined && !allowed.includes(String(e[k]).toLowerCase())) out.push(`${where}.${k}: ${String(e[k])} not in ${allowed.join('|')}`);
  if (e.type === 'TextBlock' && typeof e.text !== 'string') out.push(`${where}.text: not a string`);
  if (e.type === 'RichTextBlock') {
    const inlines = Array.isArray(e.inlines) ? e.inlines : [];
    if (inlines.length === 0) out.push(`${where}.inlines: empty`);
    const runProps = ['type', 'text', 'color', 'fontType', 'highlight', 'isSubtle', 'italic', 'selectAction', 'size', 'strikethrough', 'underline', 'weight'];
    inlines.forEach((r, i) => {
      if (!isObj(r) || r.type !== 'TextRun' || typeof r.text !== 'string') out.push(`${where}.inlines[${i}]: needs a TextRun with text`);
      else for (const k of Object.keys(r)) if (!runProps.includes(k)) out.push(`${where}.inlines[${i}].${k}: not a property of TextRun`);
    });
  }
  if (e.type === 'FactSet') {
    const facts = Array.isArray(e.facts) ? e.facts : [];
    if (facts.length === 0) out.push(`${where}.facts: empty`);
    facts.forEach((f, i) => {
      if (!isObj(f) || typeof f.title !== 'string' || typeof f.value !== 'string') out.push(`${where}.facts[${i}]: needs title and value strings`);
    });
  }
  if (e.type === 'Input.ChoiceSet') {
    const choices = Array.isArray(e.choices) ? e.choices : [];
    if (choices.length === 0) out.push(`${where}.choices: empty`);
    choices.forEach((c, i) => {
      if (!isObj(c) || typeof c.title !== 'string' || typeof c.value !== 'string') out.push(`${where}.choices[${i}]: needs title and value strings`);
    });
  }
  if (e.type === 'ActionSet') {
    if (!Array.isArray(e.actions) || e.actions.length === 0) out.push(`${where}.actions: empty`);
    out.push(...cardActions(where, e.actions));
  }
  if (typeof e.id === 'string') {
    if (ids.has(e.id)) out.push(`${where}.id: "${e.id}" is not unique in the card`);
    ids.add(e.id);
  }
  return out;
}

export function checkAdaptiveCard(where: string, card: unknown): string[] {
  if (!isObj(card)) return [`${where}: not a card`];
  const out: string[] = [];
  if (card.type !== 'AdaptiveCard') out.push(`${where}.type: ${String(card.type)}`);
  if (card.version !== '1.5') out.push(`${where}.version: ${String(card.version)} (Trellis targets 1.5)`);
  for (const k of Object.keys(card))
    if (
      ![
        'type',
        'version',
        '$schema',
        'body',
        'actions',
        'fallbackText',
        'speak',
        'lang',
        'msteams',
        'minHeight',
        'selectAction',
        'verticalContentAlignment',
        'rtl',
      ].includes(k)
    )
      out.push(`${where}.${k}: not a property of AdaptiveCard`);
  const ids = new Set<string>();
  if (card.body !== undefined && !Array.isArray(card.body)) out.push(`${where}.body: not an array`);
  (Array.isArray(card.body) ? card.body : []).forEach((e, i) => out.push(...cardElement(`${where}.body[${i}]`, e, ids)));
  out.push(...cardActions(where, card.actions));
  return out;
}

function cardActions(where: string, actions: unknown): string[] {
  const out: string[] = [];
  (Array.isArray(actions) ? actions : []).forEach((a, i) => {
    const at = `${where}.actions[${i}]`;
    if (!isObj(a)) return void out.push(`${at}: not an action`);
    const spec = ACTIONS[String(a.type)];
    if (!spec) return void out.push(`${at}: ${String(a.type)} is not an action Trellis's cards may use`);
    for (const k of Object.keys(a)) if (!spec.props.includes(k)) out.push(`${at}.${k}: not a property of ${String(a.type)}`);
    for (const k of spec.required) if (a[k] === undefined || a[k] === '') out.push(`${at}.${k}: required`);
    if (a.style !== undefined && !ENUMS.actionStyle.includes(String(a.style) as never)) out.push(`${at}.style: ${String(a.style)}`);
    if (a.data !== undefined && !isObj(a.data)) out.push(`${at}.data: Teams needs an object to submit`);
  });
  return out;
}

export const TEAMS_MESSAGE_BYTES = 28 * 1024;

/** The activity (or dialog) as it goes over the wire, images included: under ~28 KB. */
export function checkTeamsSize(where: string, payload: unknown): string[] {
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  return bytes > TEAMS_MESSAGE_BYTES ? [`${where}: ${bytes} bytes > ${TEAMS_MESSAGE_BYTES}`] : [];
}
