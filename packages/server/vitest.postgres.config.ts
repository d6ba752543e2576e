import { defineProject } from 'vitest/config';
import { nodeResolution } from '../../vitest.shared.ts';

// The same behavioural suite as vitest.config.ts, on PostgreSQL: a throwaway server started for
// the run (test/postgres-global-setup.ts), a database of its own for every test server.
export default defineProject({
  ...nodeResolution,
  test: {
    name: 'server-postgres',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    env: { CONFAB_TEST_BACKEND: 'postgres' },
    globalSetup: ['./test/postgres-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
