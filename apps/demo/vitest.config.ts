import { defineProject } from 'vitest/config';
import { nodeResolution } from '../../vitest.shared.ts';

// The demo's own server on 127.0.0.1 with a SQLite file of its own: real pages, real API.
export default defineProject({
  ...nodeResolution,
  test: {
    name: 'demo',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
