// Signed requests exactly as Slack sends them to POST /slack/events.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-0000000000-0000000000000-testtesttesttesttesttest';

export const fixture = <T = Record<string, unknown>>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}.json`, import.meta.url), 'utf8')) as T;

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SendOptions {
  timestamp?: number;
  secret?: string;
  unsigned?: boolean;
}

async function post(url: string, body: string, contentType: string, o: SendOptions = {}) {
  const headers: Record<string, string> = { 'content-type': contentType, ...(o.unsigned ? {} : sign(body, o.timestamp, o.secret)) };
  return fetch(`${url}/slack/events`, { method: 'POST', headers, body });
}

export const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** A slash command: `/trellis <text>` typed by `user` in `channel`. */
export function slashCommand(url: string, fields: Record<string, string>, o?: SendOptions) {
  return post(url, form({ ...fixture<Record<string, string>>('slash-command'), ...fields }), 'application/x-www-form-urlencoded', o);
}

export function interaction(url: string, payload: unknown, o?: SendOptions) {
  return post(url, form({ payload: JSON.stringify(payload) }), 'application/x-www-form-urlencoded', o);
}

export function event(url: string, body: unknown, o?: SendOptions) {
  return post(url, JSON.stringify(body), 'application/json', o);
}
