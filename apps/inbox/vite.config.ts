import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Built into the server package (packages/server/inbox/, git-ignored), which serves it at /inbox
// under a CSP that allows no inline script or style: Vite's module preload polyfill is an inline
// script, so it is off (every browser the inbox supports preloads modules natively).
export default defineConfig({
  base: '/inbox/',
  plugins: [svelte()],
  build: {
    outDir: fileURLToPath(new URL('../../packages/server/inbox', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
