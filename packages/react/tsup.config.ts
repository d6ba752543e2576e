import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  // The automatic JSX runtime: react/jsx-runtime, from the app's React.
  esbuildOptions(options) {
    options.jsx = 'automatic';
  },
  // Hooks and effects: a client component wherever an app renders it (Next.js's boundary). A bundle
  // keeps no module directive of its own, so the whole entry says it.
  banner: { js: "'use client';" },
  external: ['react', 'react-dom'],
});
