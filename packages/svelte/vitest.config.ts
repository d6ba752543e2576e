import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';
import { browserResolution } from '../../vitest.shared.ts';

// Real Svelte components, compiled for the browser by the Vite plugin, rendered into happy-dom.
// Server renders are vitest.ssr.config.ts: Svelte compiles a component for one side or the other.
export default defineProject({
  plugins: [svelte()],
  resolve: { conditions: ['source', 'svelte', ...browserResolution.resolve.conditions.slice(1)] },
  ssr: browserResolution.ssr,
  test: {
    name: 'svelte',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.ssr.test.ts'],
  },
});
