import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// Real components rendered by Vue into happy-dom; the SSR test picks the node environment itself.
export default defineProject({
  ...browserResolution,
  test: {
    name: 'vue',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
  },
});
