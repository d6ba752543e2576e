import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// Real components rendered by Vue into happy-dom; the SSR test picks the node environment itself.
export default defineProject({
  ...browserResolution,
  test: {
    name: 'vue',
    environment: 'happy-dom',
    // The shared adapter suite's longer cases render dozens of replies from core's in-memory
    // server: on a loaded 2-core machine one took 5.3 s, past vitest's default 5 s.
    testTimeout: 20_000,
    include: ['test/**/*.test.ts'],
  },
});
