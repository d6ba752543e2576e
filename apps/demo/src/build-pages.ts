// Bundles the demo's framework pages for the browser with Vite (and Svelte's Vite plugin): one ES
// module per page, /vue/app.js, /svelte/app.js and /react/app.js, from the packages' source (the
// "source" condition), so no package needs a build first. Code the pages share lands in /chunks/.
import { join } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build } from 'vite';
import { paths } from './demo';

export const PAGES = ['vue', 'svelte', 'react'] as const;
/** Each page's entry module, in apps/demo/<page>/. */
const ENTRY: Record<(typeof PAGES)[number], string> = { vue: 'app.ts', svelte: 'app.ts', react: 'app.tsx' };

export async function buildPages(outDir = paths.pagesBuildDir): Promise<Record<(typeof PAGES)[number], string>> {
  await build({
    configFile: false,
    root: paths.demoDir,
    logLevel: 'silent',
    // The pages' HTML and CSS are served from public/ as they are; only the bundles go here.
    publicDir: false,
    plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
    // React's JSX through its automatic runtime (react/jsx-runtime), as apps/demo/react/tsconfig.json says.
    oxc: { jsx: { runtime: 'automatic' } },
    resolve: { conditions: ['source', 'svelte', 'module', 'browser', 'development|production'] },
    // Vue's feature flags, said out loud as Vue's docs ask of bundlers.
    define: {
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: true,
      rolldownOptions: {
        input: Object.fromEntries(PAGES.map((page) => [page, join(paths.demoDir, page, ENTRY[page])])),
        output: {
          entryFileNames: '[name]/app.js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
        },
      },
    },
  });
  return Object.fromEntries(PAGES.map((page) => [page, join(outDir, page, 'app.js')])) as Record<
    (typeof PAGES)[number],
    string
  >;
}
