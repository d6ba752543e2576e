import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { transform, type Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * `import css from './x.css?raw'` (Vite's form, which the tests use as is) becomes the sheet's
 * text, minified by esbuild's CSS minifier: the styles ship inside the script, not as a file.
 */
const cssAsMinifiedText: Plugin = {
  name: 'css-as-minified-text',
  setup(build) {
    // The path keeps its `?raw`: tsup's own CSS handling claims every path that ends in `.css`.
    build.onResolve({ filter: /\.css\?raw$/ }, (args) => ({ path: resolve(dirname(args.importer), args.path), namespace: 'css-raw' }));
    build.onLoad({ filter: /.*/, namespace: 'css-raw' }, async (args) => {
      const file = args.path.slice(0, -'?raw'.length);
      const { code } = await transform(await readFile(file, 'utf8'), { loader: 'css', minify: true });
      return { contents: `export default ${JSON.stringify(code)};`, loader: 'js', watchFiles: [file] };
    });
  },
};

// Two builds run side by side; neither cleans (the build script empties dist first), or one
// could delete the other's output.

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    esbuildPlugins: [cssAsMinifiedText],
  },
  {
    // One self-contained script for a <script> tag: core, xstate and valibot inside, minified.
    entry: { confab: 'src/iife.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2020',
    // terser, not esbuild's minifier: two compress passes and top-level mangling take another
    // 1.4 KB gzip off the script (bench/widget-size), which counts against the 30 KB budget.
    minify: 'terser',
    terserOptions: { compress: { passes: 2 }, mangle: { toplevel: true }, ecma: 2020 },
    noExternal: [/.*/],
    sourcemap: true,
    outExtension: () => ({ js: '.js' }),
    esbuildPlugins: [cssAsMinifiedText],
    // Bundled from core's source, so the script needs no build of core first.
    esbuildOptions(options) {
      options.conditions = ['source', 'browser', 'import', 'module'];
    },
  },
]);
