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
    // The shared adapter suite's longer cases render dozens of replies from core's in-memory
    // server: on a loaded 2-core machine one took 5.3 s, past vitest's default 5 s.
    testTimeout: 20_000,
    include: ['test/**/*.test.ts'],
    exclude: ['test/**/*.ssr.test.ts'],
  },
});
