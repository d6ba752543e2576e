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
});
