import { defineProject } from 'vitest/config';

// A real server on 127.0.0.1 and a real SQLite file in every test: no mocks of either.
export default defineProject({
  test: {
    name: 'server',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
