import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// Real components rendered by React into happy-dom; the server-render tests pick the node environment themselves.
export default defineProject({
  ...browserResolution,
  test: {
    name: 'react',
    environment: 'happy-dom',
    // The React major this run means to test (react.test.tsx checks it is the one that loaded).
    env: { CONFAB_REACT_MAJOR: '19' },
    // The shared adapter suite's longer cases render dozens of replies (see the vue project).
    testTimeout: 20_000,
    include: ['test/**/*.test.{ts,tsx}'],
  },
});
