import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// Built into the server package (packages/server/inbox/, git-ignored), which serves it at /inbox
// under a CSP that allows no inline script or style: Vite's module preload polyfill is an inline
// script, so it is off (every browser the inbox supports preloads modules natively).
// `pnpm dev` serves the sources with hot reload and passes the API to a running server
// (CONFAB_URL, `npm start`'s by default), as if from its own origin: the server refuses a
// cookie-signed write whose Origin is another's.
const api = process.env.CONFAB_URL ?? 'http://127.0.0.1:8787';

export default defineConfig({
  base: '/inbox/',
  plugins: [svelte()],
  server: {
    proxy: { '/api': { target: api, changeOrigin: true, headers: { origin: new URL(api).origin } } },
  },
  build: {
    outDir: fileURLToPath(new URL('../../packages/server/inbox', import.meta.url)),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
