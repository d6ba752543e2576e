// Bundles the demo's framework pages (today the Vue one) for the browser: one ES module each,
// from the packages' source (the "source" condition), so no package needs a build first.
import { join } from 'node:path';
import { build } from 'esbuild';
import { paths } from './demo';

export async function buildPages(outDir = paths.pagesBuildDir): Promise<{ vue: string }> {
  const vue = join(outDir, 'vue', 'app.js');
  await build({
    entryPoints: [join(paths.demoDir, 'vue', 'app.ts')],
    outfile: vue,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    conditions: ['source', 'browser', 'import', 'module'],
    // Vue's production build, with its feature flags said out loud (as Vue's docs ask of bundlers).
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    logLevel: 'silent',
  });
  return { vue };
}
