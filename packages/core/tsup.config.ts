import { defineConfig } from 'tsup';

export default defineConfig({
  // One entry per layer (package.json exports); modules they share are split into common chunks,
  // in CommonJS too, so each class (TransportError) exists once whichever entries a program loads.
  entry: {
    index: 'src/index.ts',
    browser: 'src/browser/index.ts',
    protocol: 'src/protocol/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
