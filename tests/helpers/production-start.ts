// The one production start command: package.json's `start`, deploy/Dockerfile's
// CMD and deploy/trellis.service's ExecStart (tests/deploy.test.ts holds them to
// it), and what tests/stop-under-load.test.ts runs and stops.
export const PRODUCTION_START = ['node', 'dist/main.js'] as const;
