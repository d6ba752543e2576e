import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// The adapter renders real elements: its tests run under happy-dom.
export default defineProject({
  ...browserResolution,
  test: {
    name: 'dom',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/happy-dom-focus.ts'],
  },
});
