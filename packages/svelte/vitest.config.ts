import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// Real Svelte components, compiled by the Vite plugin, rendered into happy-dom; the SSR test picks
// the node environment itself (and so Svelte's server build).
export default defineProject({
  plugins: [svelte()],
  ...browserResolution,
  resolve: { conditions: ['source', 'svelte', 'browser', 'import', 'module', 'development|production'] },
  test: {
    name: 'svelte',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
  },
});
