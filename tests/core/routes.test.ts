// The route table: one registration per id, refused twice at start-up, and
// clicks or forms it does not know answered as they always were.
import { describe, expect, it } from 'vitest';
import { createTrellis } from '../../src/core/trellis.js';
import { routeTable } from '../../src/core/routes.js';
import { checkInRoutes } from '../../src/core/survey/check-in-routes.js';
import { concernRoutes } from '../../src/core/concerns/concern-routes.js';
import { protocolRoutes } from '../../src/core/protocols/protocol-routes.js';
import { OPEN_LINK, success } from '../../src/core/message.js';
import type { Caller, Place } from '../../src/core/request.js';
import { StateStore } from '../../src/store/state-store.js';
import { emptyState } from '../../src/store/state-schema.js';
import { corePorts } from '../helpers/core-ports.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fakeMessenger } from '../helpers/fake-messenger.js';

const alex: Caller = { platform: 'slack', workspace: 'T0001', userId: 'U-ALEX', displayName: 'Alex Morgan' };
const dm: Place = { conversationId: 'D1', kind: 'personal' };
const trellis = () =>
  createTrellis({
    ...corePorts(new StateStore(emptyState())),
    clock: fakeClock('2026-11-23T08:00:00Z'),
    messenger: fakeMessenger(),
    secret: 'routes-test-secret-0123456789abcdef',
  });

describe('route table', () => {
  it('takes every feature’s registrations, each id once', () => {
    const table = routeTable([checkInRoutes, concernRoutes, protocolRoutes]);
    expect(table.action('survey-open')?.lock).toBe('personal');
    expect(table.form('concern-submit')?.lock).toBe('serial');
    expect(table.action('concern-submit')).toBeUndefined();
  });

  it('refuses an id registered twice, as a button or as a form', () => {
    const handle = async () => success('ok');
    expect(() => routeTable([checkInRoutes, { actions: [{ id: 'survey-open', lock: 'serial', handle }] }])).toThrow(/"survey-open" is registered twice/);
    expect(() => routeTable([protocolRoutes, { forms: [{ id: 'protocol-form', lock: 'serial', handle }] }])).toThrow(/"protocol-form" is registered twice/);
  });

  it('answers an unknown button, a link button and an unknown form as before', async () => {
    const t = trellis();
    for (const actionId of ['no-such-button', OPEN_LINK, 'survey-submit']) {
      expect(await t.action({ caller: alex, place: dm, actionId, value: 'x' })).toMatchObject({
        tone: 'error',
        text: expect.stringContaining("That button isn't one Trellis knows"),
      });
    }
    for (const actionId of ['no-such-form', 'survey-open']) {
      expect(await t.submit({ caller: alex, actionId, context: 'x', values: {} })).toMatchObject({
        tone: 'error',
        text: 'That form is not one Trellis knows; nothing was recorded.',
      });
    }
  });

  it('runs a command button as the person who clicks it', async () => {
    expect(await trellis().action({ caller: alex, place: dm, actionId: 'run', value: 'help' })).toMatchObject({ tone: 'info' });
  });
});
