import { defineProject } from 'vitest/config';
import { nodeResolution } from '../../vitest.shared.ts';

// Core must run without a DOM: its tests run under the plain node environment.
export default defineProject({
  ...nodeResolution,
  test: {
    name: 'core',
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
