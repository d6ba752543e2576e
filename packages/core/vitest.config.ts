import { defineProject } from 'vitest/config';

// Core must run without a DOM: its tests run under the plain node environment.
export default defineProject({
  test: {
    name: 'core',
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
