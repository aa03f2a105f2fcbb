import { USAGE, type UsageKey } from './grammar.js';
import { commandButton, failure, info, type Message } from './message.js';

const line = ([syntax, about]: readonly [string, string]) => `${syntax} — ${about}`;

export function help(topic?: string): Message {
  if (!topic) {
    return info('Trellis helps your partnership check in on how it is working. Commands (type them after `/trellis` in Slack, or to the bot in Teams):', {
      title: 'Trellis commands',
      items: Object.values(USAGE).map(line),
      buttons: [commandButton('Status', 'status'), commandButton('Members', 'members'), commandButton('Organisations', 'org list')],
    });
  }
  const lines = (Object.keys(USAGE) as UsageKey[]).filter((k) => k.startsWith(topic)).map((k) => line(USAGE[k]));
  if (lines.length === 0) return failure(`There is no command "${topic}". Type \`help\` for the list.`);
  return info(lines.join('\n'));
}
