import { defineConfig } from 'tsup';

// Two builds run side by side; neither cleans (the build script empties dist first), or one
// could delete the other's output.

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
  },
  {
    // One self-contained script for a <script> tag: core, xstate and valibot inside, minified.
    entry: { confab: 'src/iife.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2020',
    // terser, not esbuild's minifier: three compress passes and top-level mangling take another
    // 1.7 KB gzip off the script (bench/widget-size), which counts against the 30 KB budget.
    // pure_getters: no code here reads a property for its side effect (a getter that throws is
    // read inside try and its value used), so an unused read may go. Not `unsafe_arrows`:
    // cookie's NullObject is a `function` made with `new`, which an arrow cannot be.
    // Properties named `_x` are private by convention (xstate's internals: _snapshot, _parent,
    // ...; none in Confab's code, and none is read by a computed name) and get short names;
    // `__x` (__xstate__, the devtools hook) and every other name keep theirs.
    minify: 'terser',
    terserOptions: {
      compress: { passes: 3, pure_getters: true },
      mangle: { toplevel: true, properties: { regex: /^_(?!_)/ } },
      ecma: 2020,
    },
    noExternal: [/.*/],
    sourcemap: true,
    outExtension: () => ({ js: '.js' }),
    // Bundled from core's source, so the script needs no build of core first.
    esbuildOptions(options) {
      options.conditions = ['source', 'browser', 'import', 'module'];
    },
  },
]);
