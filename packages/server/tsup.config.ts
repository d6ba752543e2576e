import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/command-line.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // import.meta.url (widget.ts finds @confab/dom's script from it) in the CommonJS build too.
  shims: true,
  // @confab/core/protocol (limits and attribute merging, no dependencies of its own) bundled from
  // core's source: the server builds and runs without a build of core first.
  noExternal: ['@confab/core'],
  esbuildOptions(options) {
    options.conditions = ['source', 'module'];
  },
});
