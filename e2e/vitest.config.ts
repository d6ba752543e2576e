import { defineProject } from 'vitest/config';
import { nodeResolution } from '../vitest.shared.ts';

// Chromium (Debian's, see .ci/run) drives the built script against a real server. The script is
// built once before the files run; the browser tests run one file at a time (2 cores).
export default defineProject({
  ...nodeResolution,
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/build-widget.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // A browser and a server over real sockets: give polled assertions time, never a fixed sleep.
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
