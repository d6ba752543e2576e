import { defineProject } from 'vitest/config';
import { nodeResolution } from '../../vitest.shared.ts';

// A real server on 127.0.0.1 and a real SQLite file in every test: no mocks of either.
export default defineProject({
  ...nodeResolution,
  test: {
    name: 'server',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
