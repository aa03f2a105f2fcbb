import type { AdapterDeps, MountedAdapter } from '../adapter.js';
import type { TeamsConfig } from '../../config.js';

// Placeholder until the Teams adapter lands (being written now).
export function mountTeams(_deps: AdapterDeps, _config: TeamsConfig): MountedAdapter {
  return { name: 'teams' };
}
