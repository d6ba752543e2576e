import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// The same tests on React 18 (the oldest major the package supports): react and react-dom resolve
// to the private workspace package react-18/, whose react-dom uses its own React 18.
const react18 = (name: string) => fileURLToPath(new URL(`./react-18/node_modules/${name}`, import.meta.url));

export default defineProject({
  ...browserResolution,
  resolve: {
    ...browserResolution.resolve,
    alias: [
      { find: /^react$/, replacement: react18('react') },
      { find: /^react\/(.*)$/, replacement: `${react18('react')}/$1` },
      { find: /^react-dom$/, replacement: react18('react-dom') },
      { find: /^react-dom\/(.*)$/, replacement: `${react18('react-dom')}/$1` },
    ],
  },
  test: {
    name: 'react-18',
    environment: 'happy-dom',
    // The React major this run means to test (react.test.tsx checks it is the one that loaded).
    env: { CONFAB_REACT_MAJOR: '18' },
    testTimeout: 20_000,
    include: ['test/**/*.test.{ts,tsx}'],
  },
});
