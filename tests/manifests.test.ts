// The app manifests under manifests/: the Teams manifest against Microsoft's
// official JSON schema (shipped offline in @microsoft/app-manifest), the Teams
// icons by their real pixels, and the Slack manifest's wiring and limits.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCommand, USAGE } from '../src/core/grammar.js';
import { SLACK_EVENTS_PATH } from '../src/adapters/slack/slack-adapter.js';
import { BOT_SCOPES } from '../src/adapters/slack/oauth-options.js';
import { OAUTH_REDIRECT_PATH } from '../src/adapters/slack/not-installed.js';
import { PRIVACY_PATH } from '../src/core/privacy.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TEAMS_DIR = path.join(ROOT, 'manifests', 'teams');
const SLACK_MANIFEST = path.join(ROOT, 'manifests', 'slack', 'manifest.yaml');
const PLACEHOLDER_HOST = 'YOUR-HOST.example.org';

type Json = Record<string, unknown>;
type Schema = Awaited<ReturnType<typeof AppManifestUtils.fetchSchema>>;

const readJson = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const clone = <T>(x: T): T => structuredClone(x);
const asManifest = (x: Json): AppManifest => x as unknown as AppManifest;

/** The first word of every command in the grammar: help, setup, invite, home, org, join, role, members, status, set. */
const GRAMMAR_VERBS = new Set(Object.keys(USAGE).map((k) => k.split(' ')[0]!));

// ---------------------------------------------------------------------------
// Teams
// ---------------------------------------------------------------------------

describe('Teams app manifest', () => {
  const manifest = readJson(path.join(TEAMS_DIR, 'manifest.json'));
  const version = manifest.manifestVersion as string;
  const schemaUrl = manifest.$schema as string;
  let schema: Schema;

  beforeAll(async () => {
    // Offline, by construction: any attempt to fetch the schema fails the test.
    vi.stubGlobal('fetch', () => Promise.reject(new Error('network access attempted while loading the Teams schema')));
    // The package answers schema URLs under developer.microsoft.com/json-schemas/teams from its own copy.
    const pkgBuild = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));
    const localCopy = path.join(pkgBuild, 'json-schemas', 'teams', `v${version}`, 'MicrosoftTeams.schema.json');
    expect(existsSync(localCopy), `no offline schema at ${localCopy}`).toBe(true);
    schema = await AppManifestUtils.fetchSchema(schemaUrl);
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  const validate = (m: Json) => AppManifestUtils.validateAgainstSchema(asManifest(m), schema);

  it('declares a schema URL and manifestVersion that match each other', () => {
    expect(schemaUrl).toBe(`https://developer.microsoft.com/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`);
    const schemaVersion = (schema as unknown as { properties: { manifestVersion: { const?: string } } }).properties.manifestVersion.const;
    expect(schemaVersion).toBe(version);
  });

  it('passes the official schema with no errors', async () => {
    expect(await validate(manifest)).toEqual([]);
  });

  it('fails the schema when broken (so the check above is not vacuous)', async () => {
    const noBotId = clone(manifest);
    delete (noBotId.bots as Json[])[0]!.botId;
    expect((await validate(noBotId)).join('\n')).toMatch(/botId/);

    const badVersion = { ...clone(manifest), manifestVersion: '9.99' };
    expect((await validate(badVersion)).join('\n')).toMatch(/manifestVersion/);

    // A Teams Toolkit-style ${{...}} placeholder is not a GUID, hence the all-zero GUID.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder's literal text is the point
    const templatedId = { ...clone(manifest), id: '${{TEAMS_APP_ID}}' };
    expect((await validate(templatedId)).join('\n')).toMatch(/\/id /);
  });

  it('has one conversational bot in personal, team and group chat scopes', () => {
    const bots = manifest.bots as Json[];
    expect(bots).toHaveLength(1);
    const bot = bots[0]!;
    expect(bot.botId).toBe(manifest.id);
    expect(bot.scopes).toEqual(expect.arrayContaining(['personal', 'team', 'groupChat']));
    expect(bot.isNotificationOnly).toBe(false);
    expect(bot.supportsFiles).toBe(false);
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(manifest.validDomains).toEqual([PLACEHOLDER_HOST]);
  });

  describe('command lists', () => {
    const lists = ((manifest.bots as Json[])[0]!.commandLists ?? []) as { scopes: string[]; commands: { title: string; description?: string }[] }[];
    const commands = lists.flatMap((l) => l.commands);

    // At most 12 commands a list: the v1.30 schema's bots.commandLists.commands maxItems
    // (https://learn.microsoft.com/microsoft-365/extensibility/schema/root-bots-command-lists).
    it('cover every bot scope, at most 12 commands each, titles unique per list', () => {
      const scopes = (manifest.bots as Json[])[0]!.scopes as string[];
      for (const scope of scopes)
        expect(
          lists.some((l) => l.scopes.includes(scope)),
          `no command list for ${scope}`,
        ).toBe(true);
      for (const l of lists) {
        expect(l.commands.length).toBeGreaterThan(0);
        expect(l.commands.length).toBeLessThanOrEqual(12);
        expect(new Set(l.commands.map((c) => c.title)).size).toBe(l.commands.length);
      }
    });

    it('keep titles to 32 characters and descriptions to 128 (the documented display limits)', () => {
      for (const c of commands) {
        expect(c.title.length, c.title).toBeLessThanOrEqual(32);
        expect(c.description?.length ?? 0, c.title).toBeLessThanOrEqual(128);
      }
    });

    it('offer every command of the grammar in some scope', () => {
      const offered = new Set(commands.map((c) => c.title.split(' ')[0]!));
      expect([...offered].sort()).toEqual([...GRAMMAR_VERBS].sort());
    });

    it('only offer commands of the grammar', () => {
      for (const { title } of commands) {
        expect(GRAMMAR_VERBS, `"${title}" is not a Trellis command`).toContain(title.split(' ')[0]);
        // The title is what Teams puts in the compose box: it must parse, or fail only for want of arguments.
        const parsed = parseCommand(title);
        if (!parsed.ok) expect(parsed.usage, `"${title}": ${parsed.error}`).toBeDefined();
      }
    });
  });

  describe('icons', () => {
    const icons = manifest.icons as { color: string; outline: string };

    it('colour icon is a real 192x192 PNG', () => {
      const png = readPng(path.join(TEAMS_DIR, icons.color));
      expect([png.width, png.height]).toEqual([192, 192]);
    });

    it('outline icon is a real 32x32 PNG with an alpha channel, white on transparent only', () => {
      const png = readPng(path.join(TEAMS_DIR, icons.outline));
      expect([png.width, png.height]).toEqual([32, 32]);
      expect(png.hasAlpha).toBe(true);
      const { pixels } = decodeRgba(png);
      let transparent = 0;
      let opaque = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
        if (a === 0) transparent++;
        else {
          expect([r, g, b], `pixel ${i / 4} is not white`).toEqual([255, 255, 255]);
          if (a === 255) opaque++;
        }
      }
      expect(transparent).toBeGreaterThan(0);
      expect(opaque).toBeGreaterThan(0);
    });
  });
});

// ---------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------

interface SlackManifest {
  display_information: { name: string; description?: string; long_description?: string; background_color?: string };
  features: {
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean; messages_tab_read_only_enabled?: boolean };
    bot_user?: { display_name: string; always_online?: boolean };
    slash_commands?: { command: string; url?: string; description: string; usage_hint?: string; should_escape?: boolean }[];
  };
  oauth_config: { redirect_urls?: string[]; scopes: { bot: string[] } };
  settings: {
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled?: boolean;
    socket_mode_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

/**
 * The bot scopes each Web API method Trellis calls needs, as Slack documents
 * them under "Required scopes" at https://docs.slack.dev/reference/methods/<method>.
 * conversations.history needs the *:history scope of the conversation's type:
 * Trellis reads public and private home channels and DMs (to check whether a post
 * whose answer was lost arrived). views.* and auth.test need no scope.
 */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.update': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history', 'im:history'],
  'conversations.join': ['channels:join'],
  'conversations.open': ['im:write'],
  'users.info': ['users:read'],
  'views.open': [],
  'views.push': [],
  'views.publish': [],
  'views.update': [],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
};

/** Each event's required scope (https://docs.slack.dev/reference/events/<event>). */
const EVENT_SCOPES: Record<string, string[]> = {
  app_home_opened: [],
  app_mention: ['app_mentions:read'],
  'message.im': ['im:history'],
  // Sent to every app, no scope needed: the workspace removed it, or its tokens were revoked.
  app_uninstalled: [],
  tokens_revoked: [],
};

/** The Web API methods and events the Slack adapter's code uses, read from its source. */
const slackCode = (() => {
  const dir = path.join(ROOT, 'src', 'adapters', 'slack');
  const source = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
  const methods = new Set<string>(['auth.test']); // Bolt's own, at start-up.
  for (const [, family, name] of source.matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)) methods.add(`${family}.${name}`);
  for (const [, method] of source.matchAll(/\bapiCall\(\s*'([\w.]+)'/g)) methods.add(method!);
  // Bolt's say() is chat.postMessage; files.uploadV2 is the upload's three steps.
  if (/\bsay\(/.test(source)) methods.add('chat.postMessage');
  if (/files\.uploadV2\(/.test(source)) {
    methods.delete('files.uploadV2');
    methods.add('files.getUploadURLExternal').add('files.completeUploadExternal');
  }
  const events = new Set<string>();
  for (const [, event] of source.matchAll(/\bbolt\.event\(\s*'(\w+)'/g)) events.add(event!);
  // The message listener answers DMs only (channel_type im).
  if (/\bbolt\.message\(/.test(source)) events.add('message.im');
  return { methods, events };
})();

describe('Slack app manifest', () => {
  const text = readFileSync(SLACK_MANIFEST, 'utf8');
  const m = parseYaml(text) as SlackManifest;
  const eventsUrl = `https://${PLACEHOLDER_HOST}${SLACK_EVENTS_PATH}`;
  const trellis = m.features.slash_commands?.find((c) => c.command === '/trellis');

  it('has the /trellis slash command posting to /slack/events', () => {
    expect(trellis).toBeDefined();
    expect(trellis!.url).toBe(eventsUrl);
    expect(new URL(trellis!.url!).pathname).toBe('/slack/events');
    expect(trellis!.description.length).toBeGreaterThan(0);
    expect(trellis!.description.length).toBeLessThanOrEqual(2000);
    expect(trellis!.usage_hint?.length ?? 0).toBeLessThanOrEqual(1000);
    // Mentions arrive as <@U123|name>, the form `role <member> ...` understands.
    expect(trellis!.should_escape).toBe(true);
  });

  it('has a usage hint that names every command of the grammar, and nothing else', () => {
    // "org add|list" offers org add and org list: the first word of each alternative is the command.
    const hinted = new Set(trellis!.usage_hint!.split(' | ').map((part) => part.trim().split(' ')[0]!));
    expect([...hinted].sort()).toEqual([...GRAMMAR_VERBS].sort());
  });

  it('sends events and interactivity to the same URL', () => {
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: eventsUrl });
    expect(m.settings.event_subscriptions?.request_url).toBe(eventsUrl);
  });

  it('subscribes to exactly the bot events Trellis handles', () => {
    expect([...(m.settings.event_subscriptions?.bot_events ?? [])].sort()).toEqual([...slackCode.events].sort());
  });

  it('asks for exactly the scopes of the Web API methods the code calls and the events it handles', () => {
    const unknown = [...slackCode.methods].filter((x) => !(x in METHOD_SCOPES));
    expect(unknown, 'add these methods and their documented scopes to METHOD_SCOPES').toEqual([]);
    const needed = new Set<string>(['commands']);
    for (const method of slackCode.methods) for (const scope of METHOD_SCOPES[method]!) needed.add(scope);
    for (const e of slackCode.events) for (const scope of EVENT_SCOPES[e] ?? []) needed.add(scope);
    expect([...m.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
    // What the code is known to call, so that the scan above cannot silently find nothing.
    expect([...slackCode.methods]).toEqual(
      expect.arrayContaining([
        'chat.postMessage',
        'chat.update',
        'conversations.history',
        'conversations.join',
        'conversations.open',
        'users.info',
        'views.publish',
        'files.getUploadURLExternal',
        'files.completeUploadExternal',
      ]),
    );
  });

  it("asks an OAuth install for exactly the manifest scopes, and sends the browser back to Bolt's redirect path", () => {
    expect([...BOT_SCOPES].sort()).toEqual([...m.oauth_config.scopes.bot].sort());
    expect(m.oauth_config.redirect_urls).toEqual([`https://${PLACEHOLDER_HOST}${OAUTH_REDIRECT_PATH}`]);
  });

  it('enables the App Home tab and the messages tab', () => {
    expect(m.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(m.features.app_home?.messages_tab_read_only_enabled).not.toBe(true);
  });

  it('uses HTTP request URLs by default, without org deploy or token rotation', () => {
    expect(m.settings).toMatchObject({ org_deploy_enabled: false, socket_mode_enabled: false, token_rotation_enabled: false });
    expect(text).toMatch(/^#.*YOUR-HOST/m);
    expect(text).toMatch(/^#.*socket_mode_enabled: true/m);
  });

  it('points to the privacy notice Trellis serves (Slack has no manifest field for it; the Teams manifest does)', () => {
    expect(text).toMatch(new RegExp(`^#.*https://${PLACEHOLDER_HOST.replace(/\./g, '\\.')}${PRIVACY_PATH}\\b`, 'm'));
    const teams = JSON.parse(readFileSync(path.join(TEAMS_DIR, 'manifest.json'), 'utf8')) as { developer: { privacyUrl: string } };
    expect(teams.developer.privacyUrl).toBe(`https://${PLACEHOLDER_HOST}${PRIVACY_PATH}`);
  });

  it('keeps within Slack’s field limits', () => {
    const d = m.display_information;
    expect(d.name.length).toBeLessThanOrEqual(35);
    expect(d.description?.length ?? 0).toBeLessThanOrEqual(140);
    if (d.long_description !== undefined) {
      expect(d.long_description.length).toBeGreaterThanOrEqual(174);
      expect(d.long_description.length).toBeLessThanOrEqual(4000);
    }
    if (d.background_color !== undefined) expect(d.background_color).toMatch(/^#([0-9a-fA-F]{3}){1,2}$/);
    expect(m.features.bot_user?.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    for (const c of m.features.slash_commands ?? []) expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
  });
});

// ---------------------------------------------------------------------------
// A little PNG reader: enough to check what Teams checks.
// ---------------------------------------------------------------------------

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlace: number;
  hasAlpha: boolean;
  idat: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function readPng(file: string): Png {
  const buf = readFileSync(file);
  expect(buf.subarray(0, 8).equals(PNG_SIGNATURE), `${file} is not a PNG`).toBe(true);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let p = 8; p < buf.length; ) {
    const length = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + length);
    expect(buf.readUInt32BE(p + 8 + length), `bad CRC on ${type} in ${file}`).toBe(zlib.crc32(buf.subarray(p + 4, p + 8 + length)) >>> 0);
    chunks.push({ type, data });
    p += 12 + length;
  }
  expect(chunks[0]?.type, `${file}: IHDR must come first`).toBe('IHDR');
  expect(chunks.at(-1)?.type, `${file}: IEND must come last`).toBe('IEND');
  const ihdr = chunks[0]!.data;
  const colourType = ihdr[9]!;
  return {
    width: ihdr.readUInt32BE(0),
    height: ihdr.readUInt32BE(4),
    bitDepth: ihdr[8]!,
    colourType,
    interlace: ihdr[12]!,
    // Colour types 4 (grey + alpha) and 6 (RGBA) carry alpha; a tRNS chunk adds it to the others.
    hasAlpha: colourType === 4 || colourType === 6 || chunks.some((c) => c.type === 'tRNS'),
    idat: Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)),
  };
}

/** Pixels as RGBA bytes; handles 8-bit, non-interlaced RGBA and grey+alpha with any filter. */
function decodeRgba(png: Png): { pixels: Buffer } {
  expect(png.bitDepth, 'only 8-bit PNGs are decoded here').toBe(8);
  expect(png.interlace, 'only non-interlaced PNGs are decoded here').toBe(0);
  const channels = { 6: 4, 4: 2 }[png.colourType as 6 | 4];
  expect(channels, `colour type ${png.colourType} is not decoded here`).toBeDefined();
  const bpp = channels!;
  const stride = png.width * bpp;
  const raw = zlib.inflateSync(png.idat);
  expect(raw.length).toBe((stride + 1) * png.height);
  const out = Buffer.alloc(stride * png.height);
  for (let y = 0; y < png.height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      out[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  if (bpp === 4) return { pixels: out };
  const rgba = Buffer.alloc(png.width * png.height * 4);
  for (let i = 0; i < png.width * png.height; i++) {
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = out[i * 2]!;
    rgba[i * 4 + 3] = out[i * 2 + 1]!;
  }
  return { pixels: rgba };
}
