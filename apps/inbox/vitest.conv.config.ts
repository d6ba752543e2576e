// TEMPORARY: runs the conversations tests until the shell's apps/inbox/vitest.config.ts reaches main.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

export default defineProject({
  plugins: [svelte()],
  resolve: { conditions: ['source', 'svelte', ...browserResolution.resolve.conditions.slice(1)] },
  ssr: browserResolution.ssr,
  test: {
    name: 'inbox-conv-temp',
    environment: 'happy-dom',
    include: ['test/conversations/**/*.test.ts'],
    globalSetup: ['./test/conversations/tmp-global-server.ts'],
    setupFiles: ['./test/happy-dom-origin.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
