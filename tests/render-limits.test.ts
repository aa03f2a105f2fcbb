// Everything the core can produce — every command's reply with the longest
// inputs, every form, every button followed, every message sent, every App Home
// overview (tests/helpers/every-reply.ts) — through every renderer, checked
// against the limits Slack and Teams document (tests/helpers/platform-limits.ts
// cites each source). Past any of them Slack refuses the whole message or view
// (invalid_blocks, or views.open failing) and Teams the whole activity.
import { beforeAll, describe, expect, it } from 'vitest';
import { fallbackText, renderBlocks, renderResponse } from '../src/adapters/slack/render-blocks.js';
import { formButton, renderFormModal, renderMessageModal } from '../src/adapters/slack/render-modal.js';
import { renderReply } from '../src/adapters/teams/render-card.js';
import { formTask } from '../src/adapters/teams/render-form-card.js';
import { failure, info, type Form } from '../src/core/message.js';
import { everyReply, type Corpus } from './helpers/every-reply.js';
import {
  BLOCK_KIT,
  selectOptionsOf,
  checkAdaptiveCard,
  checkSlackHome,
  checkSlackMessage,
  checkSlackModal,
  checkTeamsSize,
} from './helpers/platform-limits.js';

let corpus: Corpus;

beforeAll(async () => {
  corpus = await everyReply();
}, 120_000);

/** Violations, one line each, at most a few of each kind so a failure stays readable. */
function report(violations: string[]): string[] {
  const byKind = new Map<string, string[]>();
  for (const v of violations) {
    const kind = v.replace(/\[\d+\]/g, '[]').replace(/: .*$/, '');
    byKind.set(kind, [...(byKind.get(kind) ?? []), v]);
  }
  return [...byKind.values()].flatMap((vs) => vs.slice(0, 2).map((v) => (vs.length > 2 ? `${v} (+${vs.length - 2} more)` : v)));
}

const teamsActivity = (a: ReturnType<typeof renderReply>) => a.attachments![0]!.content as Record<string, unknown>;

/** The same form as a person sees it after a refused submit: every field in error, the longest input it allows shown again. */
const refused = (form: Form) => ({
  error: 'x'.repeat(300),
  errors: Object.fromEntries(form.fields.map((f) => [f.id, 'y'.repeat(300)])),
  values: Object.fromEntries(
    form.fields.map((f) => [f.id, f.kind === 'text' ? 'z'.repeat(f.maxLength) : f.kind === 'date' ? '2027-01-31' : f.options.map((o) => o.value).join(',')]),
  ),
});

describe('what the core produces', () => {
  it('covers every kind of reply, form, message and overview (so the checks below are not vacuous)', () => {
    expect(corpus.messages.length).toBeGreaterThan(300);
    const titles = new Set(corpus.forms.map((f) => f.form.title.replace(/#\d+|P-\d+|C-\w+/g, 'n')));
    expect([...titles].sort()).toEqual(
      [
        'Add a protocol',
        'Check-in n',
        'Concern n',
        'Edit n',
        'Raise a concern',
        'Review n',
        'Check-in schedule',
        'Add an organisation',
        'Change a role',
        'Settings',
        'Protocol reminders',
        'Close a review',
        'Your organisation',
        'Join a partnership',
        'Set up a partnership',
        'Add someone by email',
      ].sort(),
    );
    expect(corpus.messages.filter((m) => m.message.chart).length).toBeGreaterThan(0);
    expect(corpus.messages.filter((m) => m.label === 'channel post').length).toBeGreaterThan(3);
    expect(corpus.messages.filter((m) => m.message.fieldErrors).length).toBeGreaterThan(0);
    expect(corpus.messages.some((m) => (m.message.items?.length ?? 0) >= 100)).toBe(true);
    expect(corpus.overviews.length).toBeGreaterThan(3);
  });
});

describe('Slack (Block Kit)', () => {
  it('every message, as a response_url reply and as chat.postMessage, within the message limits', () => {
    const violations = corpus.messages.flatMap(({ label, message }) => [
      ...checkSlackMessage(`${label} (response)`, renderResponse(message)),
      ...checkSlackMessage(`${label} (post)`, { text: fallbackText(message), blocks: renderBlocks(message) }),
    ]);
    expect(report(violations)).toEqual([]);
  });

  it('every message shown in a modal (after a submit, a click in App Home) within the modal limits', () => {
    const violations = corpus.messages.flatMap(({ label, message }) => checkSlackModal(`${label} (modal)`, renderMessageModal(message, 'Trellis') as never));
    expect(report(violations)).toEqual([]);
  });

  it('every form as a modal, and its button where a modal cannot open yet', () => {
    const violations = corpus.forms.flatMap(({ label, form }) => [
      ...checkSlackModal(`${label} (${form.title})`, renderFormModal(form) as never),
      ...checkSlackMessage(`${label} (button)`, renderResponse(formButton(form))),
    ]);
    expect(report(violations)).toEqual([]);
  });

  it('offers every option of every form: none dropped to fit a limit', () => {
    const lost = corpus.forms.flatMap(({ label, form }) => {
      const view = renderFormModal(form) as unknown as { blocks: { block_id?: string; element?: Record<string, unknown> }[] };
      return form.fields.flatMap((f) => {
        if (f.kind !== 'choice' && f.kind !== 'multichoice') return [];
        const offered = selectOptionsOf(view.blocks.find((b) => b.block_id === f.id)?.element ?? {}).map((o) => (o as { value: string }).value);
        return offered.length === f.options.length ? [] : [`${label} ${f.id}: ${offered.length} of ${f.options.length} options offered`];
      });
    });
    expect(report(lost)).toEqual([]);
  });

  it('every App Home view within the Home tab limits', () => {
    const violations = corpus.overviews.flatMap(({ label, message }) => checkSlackHome(label, { type: 'home', blocks: renderBlocks(message) }));
    expect(report(violations)).toEqual([]);
  });
});

describe('Teams (Adaptive Cards 1.5)', () => {
  it('every message as a card activity: the schema, and within Teams’ message size', () => {
    const violations = corpus.messages.flatMap(({ label, message }) => {
      const activity = renderReply(message);
      return [...checkAdaptiveCard(label, teamsActivity(activity)), ...checkTeamsSize(label, activity)];
    });
    expect(report(violations)).toEqual([]);
  });

  it('offers every option of every form: none dropped to fit a limit', () => {
    const lost = corpus.forms.flatMap(({ label, form }) => {
      const body = (formTask(form).card!.content as { body: { id?: string; choices?: { value: string }[] }[] }).body;
      return form.fields.flatMap((f) => {
        if (f.kind !== 'choice' && f.kind !== 'multichoice') return [];
        const offered = body.find((e) => e.id === f.id)?.choices?.length ?? 0;
        return offered === f.options.length ? [] : [`${label} ${f.id}: ${offered} of ${f.options.length} options offered`];
      });
    });
    expect(report(lost)).toEqual([]);
  });

  it('every form as a dialog card, fresh and after a refused submit', () => {
    const violations = corpus.forms.flatMap(({ label, form }) =>
      [formTask(form), formTask(form, refused(form))].flatMap((task, i) => {
        const where = `${label} (${form.title}${i ? ', refused' : ''})`;
        return [...checkAdaptiveCard(where, task.card!.content), ...checkTeamsSize(where, { task: { type: 'continue', value: task } })];
      }),
    );
    expect(report(violations)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('catch what Slack refuses', () => {
    const tooMany = { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) };
    expect(checkSlackMessage('m', tooMany).join()).toMatch(/51 blocks > 50/);
    const header = { text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] };
    expect(checkSlackMessage('m', header).join()).toMatch(/151 > 150/);
    expect(
      checkSlackModal('v', { type: 'modal', title: { type: 'plain_text', text: 't'.repeat(25) }, blocks: [], private_metadata: 'p'.repeat(3001) }).join(),
    ).toMatch(/25 > 24.*3001 > 3000/);
    const options = Array.from({ length: 11 }, (_, i) => ({ text: { type: 'plain_text', text: 'o'.repeat(76) }, value: String(i) }));
    expect(
      checkSlackModal('v', {
        type: 'modal',
        title: { type: 'plain_text', text: 't' },
        submit: { type: 'plain_text', text: 's' },
        blocks: [{ type: 'input', block_id: 'b', label: { type: 'plain_text', text: 'l' }, element: { type: 'radio_buttons', action_id: 'a', options } }],
      }).join(),
    ).toMatch(/11 options > 10.*76 > 75/);
    expect(BLOCK_KIT.sectionText).toBe(3000);
  });

  it('catch what Teams refuses', () => {
    expect(
      checkAdaptiveCard('c', { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x', size: 'huge' }, { type: 'Table' }] }).join(),
    ).toMatch(/size: huge.*Table/);
    expect(
      checkAdaptiveCard('c', {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          { type: 'Input.Text', id: 'a' },
          { type: 'Input.Date', id: 'a' },
        ],
      }).join(),
    ).toMatch(/not unique/);
    expect(checkTeamsSize('a', { text: 'x'.repeat(29_000) }).join()).toMatch(/bytes > 28672/);
  });

  it('find a renderer that cuts nothing short within the limits (a sample at each boundary)', () => {
    // The longest texts the core allows render whole or split, never refused.
    const m = info('a'.repeat(10_000), {
      title: 't'.repeat(400),
      items: Array.from({ length: 400 }, () => 'i'.repeat(400)),
      fields: Array.from({ length: 30 }, () => ({ label: 'l'.repeat(300), value: 'v'.repeat(3000) })),
    });
    expect(
      report([...checkSlackMessage('long', renderResponse(m)), ...checkSlackModal('long', renderMessageModal(failure('x'.repeat(10_000))) as never)]),
    ).toEqual([]);
  });
});
