import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/grammar.js';

describe('parseCommand', () => {
  it.each([
    ['', { name: 'help' }],
    ['  HELP   org ', { name: 'help', topic: 'org' }],
    ['setup  Riverside   Partnership', { name: 'setup', partnershipName: 'Riverside Partnership' }],
    ['org add City Council PUBLIC', { name: 'org add', orgName: 'City Council', sector: 'public' }],
    ['org list', { name: 'org list' }],
    ['org rename', { name: 'org rename', splits: [] }],
    ['org rename City Council TO Riverside Council', { name: 'org rename', splits: [{ from: 'City Council', to: 'Riverside Council' }] }],
    [
      'org rename Back to Work to Into Work',
      {
        name: 'org rename',
        splits: [
          { from: 'Back', to: 'Work to Into Work' },
          { from: 'Back to Work', to: 'Into Work' },
        ],
      },
    ],
    ['org remove  Health   Trust', { name: 'org remove', orgName: 'Health Trust' }],
    ['join abcd-efgh Health Trust', { name: 'join', code: 'ABCD-EFGH', orgName: 'Health Trust' }],
    ['join ABCD-EFGH Independent', { name: 'join', code: 'ABCD-EFGH' }],
    // Alone, each opens its form.
    ['join', { name: 'join' }],
    ['setup', { name: 'setup' }],
    ['role <@U123|sam> critical-friend', { name: 'role', who: '<@U123|sam>', role: 'critical-friend' }],
    ['role Sam Patel coordinator', { name: 'role', who: 'Sam Patel', role: 'coordinator' }],
    ['set threshold 7', { name: 'set', setting: 'threshold', value: 7 }],
    ['set timezone America/New_York', { name: 'set', setting: 'timezone', value: 'America/New_York' }],
    ['set timezone america/new_york', { name: 'set', setting: 'timezone', value: 'America/New_York' }],
    ['set timezone etc/utc', { name: 'set', setting: 'timezone', value: 'Etc/UTC' }],
    ['set type implementing', { name: 'set', setting: 'type', value: 'implementing' }],
    ['set purpose Get people into good work', { name: 'set', setting: 'purpose', value: 'Get people into good work' }],
  ])('parses %j', (text, command) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });

  it.each([
    ['frobnicate', 'I don\'t know the command "frobnicate"', undefined],
    ['org add Acme', "Give the organisation's name and its sector", 'org add'],
    ['org add Acme corporate', '"corporate" is not a sector', 'org add'],
    ['org add independent public', 'reserved', 'org add'],
    ['org delete Acme', '"delete" is not something `org` does: use `org add`, `org list`, `org rename`, `org remove`', 'org add'],
    ['org rename Acme', 'Write `to` between the old name and the new one', 'org rename'],
    ['org rename Acme to', 'Write `to` between', 'org rename'],
    ['org remove', 'Name the organisation to remove', 'org remove'],
    ['org frobnicate Acme', '"frobnicate" is not something `org` does: use `org add`, `org list`', 'org add'],
    ['org', '`org` needs a word after it: `org add`, `org list`', undefined],
    ['survey', '`survey` needs a word after it: `survey schedule`, `survey now`', undefined],
    ['protocol', '`protocol` needs a word after it: `protocol add`, `protocol list`', undefined],
    ['review', '`review` needs a word after it: `review start`, `review status`, `review close`', undefined],
    ['member', '`member` needs a word after it: `member add`', undefined],
    ['concerns x', '"x" is not something `concerns` does', 'concerns'],
    ['join Health Trust ABCD-EFGH', 'The invite code comes first', 'join <invite-code>'],
    ['join ABCD-EFGH', 'Name your organisation', 'join <invite-code>'],
    ['role Sam', 'Name the member and the role', 'role <member>'],
    ['role Sam boss', '"boss" is not a role', 'role <member>'],
    ['set threshold 2', 'cannot be below 3: in a group of two', 'set purpose'],
    ['set threshold 100', 'at most 50', 'set purpose'],
    ['set threshold 4.5', 'whole number from 3 to 50', 'set purpose'],
    ['set timezone Mars/Olympus', 'not a timezone I know', 'set purpose'],
    ['set colour blue', '"colour" is not a setting', 'set purpose'],
    ['set constructor', 'Name a setting and its new value.', 'set purpose'],
    ['set timezone', 'Give the new timezone after `set timezone`: an Area/City name like Europe/London', 'set purpose'],
    ['set threshold', 'Give the new threshold after `set threshold`: a whole number from 3 to 50', 'set purpose'],
    ['members please', 'takes no words after it', 'members'],
    [`setup ${'x'.repeat(81)}`, 'too long', 'setup'],
    ['x'.repeat(1001), 'too long', undefined],
  ])('rejects %j with a specific error', (text, error, usage) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toContain(error);
    if (usage) expect(parsed.usage).toContain(usage);
    else expect(parsed.usage).toBeUndefined();
  });
});
