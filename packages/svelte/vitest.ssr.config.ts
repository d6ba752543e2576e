import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';
import { nodeResolution } from '../../vitest.shared.ts';

// Server renders as SvelteKit does them: Node, no DOM, components compiled for the server and
// Svelte's server runtime (no "browser" condition).
const conditions = ['source', 'svelte', ...nodeResolution.resolve.conditions.slice(1)];

export default defineProject({
  plugins: [svelte()],
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source', 'svelte'] } },
  test: {
    name: 'svelte-ssr',
    environment: 'node',
    include: ['test/**/*.ssr.test.ts'],
  },
});
