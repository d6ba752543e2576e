import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// The inbox's components compiled for the browser and rendered into happy-dom; tests that need the
// API talk to a real server started before them (test/global-server.ts).
export default defineProject({
  plugins: [svelte()],
  resolve: { conditions: ['source', 'svelte', ...browserResolution.resolve.conditions.slice(1)] },
  ssr: browserResolution.ssr,
  test: {
    name: 'inbox',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/global-server.ts'],
    setupFiles: ['./test/happy-dom-origin.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
