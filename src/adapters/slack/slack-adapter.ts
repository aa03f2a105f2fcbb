import type { AdapterDeps, MountedAdapter } from '../adapter.js';
import type { SlackConfig } from '../../config.js';

// Placeholder until the Slack adapter lands (being written now).
export function mountSlack(_deps: AdapterDeps, _config: SlackConfig): MountedAdapter {
  return { name: 'slack' };
}
