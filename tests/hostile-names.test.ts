// Names are shown as typed on every surface (issue: results people can read,
// part 5): a partnership or organisation named `*Bold*`, `<b>x</b>`, `_x_`,
// `` `x` `` or `<!channel>` is never formatted and never a mention. The core
// marks the names it knows as literal; each renderer escapes them its own way.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { renderCard, summaryOf } from '../src/adapters/teams/render-card.js';
import { renderBlocks } from '../src/adapters/slack/render-blocks.js';
import { info, renderLiterals, withLiterals } from '../src/core/message.js';
import { renderEmail } from '../src/email/render-email.js';
import { messageHtml } from '../src/web/web-page.js';
import { startFakeSlack, type FakeSlack } from './helpers/fake-slack.js';
import { slackCommands } from './helpers/slack-commands.js';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-requests.js';
import { startTrellis, type TestTrellis } from './helpers/start-trellis.js';
import { startFakeTeamsConnector, type FakeTeamsConnector, type SentActivity } from './helpers/fake-teams-connector.js';
import { ALEX as TEAMS_ALEX, teamsRequests, UNAUTHENTICATED } from './helpers/teams-requests.js';

const ZW = '\u200B';
/** What a Slack reader sees: the zero-width fences are invisible. */
const seen = (mrkdwn: string) => mrkdwn.replaceAll(ZW, '');

describe('renderLiterals', () => {
  it('keeps core markup around a name and escapes only the name', () => {
    const out = renderLiterals(
      'Welcome to **Bold**!',
      ['*Bold*'],
      (t) => t.replace(/\*([^*]+)\*/g, '<b>$1</b>'),
      (n) => `[${n}]`,
    );
    expect(out).toBe('Welcome to <b>[*Bold*]</b>!');
  });

  it('marks only names that some platform could read as markup, and only those the message shows', () => {
    expect(withLiterals(info('Riverside'), ['Riverside', 'City Council']).literals).toBeUndefined();
    expect(withLiterals(info('Riverside, *Bold* and <!channel> say "hi"'), ['Riverside', '*Bold*', '<!channel>']).literals).toEqual(['*Bold*', '<!channel>']);
    // A name the message does not show is not carried with it (a reply never lists everyone in the partnership).
    expect(withLiterals(info('x'), ['*Bold*', '<!channel>']).literals).toBeUndefined();
    expect(withLiterals(info('From "Q*A"'), ['"Q*A"', 'Q*A']).literals).toEqual(['"Q*A"', 'Q*A']);
  });
});

describe('each renderer, given a message naming hostile names', () => {
  const names = ['*Bold*', '<b>x</b>', '_x_', '`x`', '<!channel>', '<@U123>'];
  const m = withLiterals(
    info(`Welcome to *${names[0]}* — organisations: ${names.slice(1).join(', ')}.`, {
      title: `${names[0]}: members`,
      items: names,
      fields: [{ label: 'Org', value: names[2]! }],
    }),
    names,
  );

  it('Slack: escapes & < > and fences * _ ~ ` so that nothing formats or mentions', () => {
    const blocks = JSON.stringify(renderBlocks(m));
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<@U123>');
    expect(blocks).not.toContain('<b>');
    const text = (renderBlocks(m)[1] as { text: { text: string } }).text.text;
    // The core's own bold stays; the name's stars cannot open or close anything.
    expect(text).toContain(`Welcome to *${ZW}*${ZW}Bold${ZW}*${ZW}*`);
    expect(seen(text)).toContain('Welcome to **Bold**');
    expect(seen(text)).toContain('&lt;!channel&gt;');
    expect(text).not.toMatch(/(^|[^\u200B])[*_`](x|Bold)/);
  });

  it('Teams: backslash-escapes Markdown in the names, keeps the core bold, and the title and summary as typed', () => {
    const card = renderCard(m) as { body: { text?: string; facts?: { value: string }[] }[] };
    expect(card.body[0]!.text).toBe('*Bold*: members');
    expect(card.body[1]!.text).toContain('Welcome to **\\*Bold\\***');
    expect(card.body[1]!.text).toContain('\\_x\\_');
    expect(card.body[1]!.text).toContain('\\`x\\`');
    expect(JSON.stringify(card.body)).not.toContain('**Bold**');
    expect(summaryOf(m)).toContain('*Bold*: members: Welcome to *Bold* — organisations: <b>x</b>, _x_, `x`');
  });

  it('web pages: HTML-escaped, never bold', () => {
    const html = messageHtml(m, () => 'https://example.test/');
    expect(html).toContain('Welcome to <strong>*Bold*</strong>');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x');
    expect(html).not.toContain('<code>x</code>');
  });

  it('email: the subject keeps the name as typed', () => {
    const mail = renderEmail(m, { linkOf: () => 'https://example.test/', home: { actionId: 'x', label: 'Open', value: '' } });
    expect(mail.subject).toBe('*Bold*: members');
    expect(mail.html).toContain('<title>*Bold*: members</title>');
  });
});

describe('through the real endpoints', () => {
  let slack: FakeSlack;
  let trellis: TestTrellis;
  const ALEX = { user_id: 'U0ALEX', user_name: 'alex' };
  const CHANNEL = { channel_id: 'C0HOST', channel_name: 'hostile' };
  const { run } = slackCommands<{ text: string; blocks: unknown[] }>(() => ({ trellis, slack }));

  beforeAll(async () => {
    slack = await startFakeSlack();
    slack.users.set('U0ALEX', 'Alex Morgan');
    trellis = await startTrellis({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });
  });
  afterAll(async () => {
    await trellis.close();
    await slack.close();
  });

  it('Slack: a partnership named *Bold* and organisations named _x_ and <!channel> reach Slack escaped', async () => {
    const setUp = await run(ALEX, CHANNEL, 'setup *Bold*');
    const setUpText = JSON.stringify(setUp.blocks);
    expect(setUpText).toContain(`*${ZW}*${ZW}Bold${ZW}*${ZW}* is set up`);
    expect(setUpText).not.toContain('**Bold**');
    await run(ALEX, CHANNEL, 'org add _x_ public');
    await run(ALEX, CHANNEL, 'org add <!channel> community');
    const list = JSON.stringify((await run(ALEX, CHANNEL, 'org list')).blocks);
    expect(list).toContain(`${ZW}_${ZW}x${ZW}_${ZW} (public)`);
    expect(list).not.toContain('<!channel>');
    expect(seen(list)).toContain('&lt;!channel&gt; (community)');
  });
});

describe('Teams, through /api/messages', () => {
  let connector: FakeTeamsConnector;
  let trellis: TestTrellis;
  const { inChannel, post } = teamsRequests(() => ({ trellis, connector }));
  const say = async (text: string): Promise<SentActivity> => {
    const before = connector.sent.length;
    expect((await post(inChannel(TEAMS_ALEX, text))).status).toBe(200);
    return connector.sent.slice(before)[0]!;
  };
  const cardText = (s: SentActivity) => JSON.stringify((s.activity.attachments as { content: { body: unknown } }[])[0]!.content.body);

  beforeAll(async () => {
    connector = await startFakeTeamsConnector();
    trellis = await startTrellis(UNAUTHENTICATED);
  });
  afterAll(async () => {
    await trellis?.close();
    await connector?.close();
  });

  it('a partnership named *Bold* and an organisation named `x` are escaped in the card', async () => {
    expect(cardText(await say('setup *Bold*'))).toContain('**\\\\*Bold\\\\*** is set up');
    await say('org add `x` public');
    const list = cardText(await say('org list'));
    expect(list).toContain('\\\\`x\\\\` (public)');
    expect(list).not.toContain('**x**');
  });
});

describe('the playground page, in Chromium', () => {
  let trellis: TestTrellis;
  let browser: Browser;

  beforeAll(async () => {
    trellis = await startTrellis();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await trellis?.close();
  });

  it('shows a partnership named `*Bold* <b>x</b>` as typed inside the core bold, never as markup', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    page.setDefaultTimeout(8_000);
    await page.goto(`${trellis.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByRole('radio', { name: /^Alex Morgan/ }).check();
    await page.getByRole('radio', { name: /#partnership-room/ }).check();
    const replies = page.locator('#log .msg-bot, #log .msg-error');
    const before = await replies.count();
    const box = page.getByPlaceholder('Type a command, e.g. help');
    await box.fill('setup *Bold* <b>x</b>');
    await box.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('#log .msg-bot, #log .msg-error').length > n, before);
    const reply = replies.last();
    // The core writes "*<name>* is set up": the bold is the core's, the name inside it as typed.
    await expect(reply.locator('strong').first().innerText()).resolves.toBe('*Bold* <b>x</b>');
    await expect(reply.locator('b').count()).resolves.toBe(0);
    await page.close();
  });
});
