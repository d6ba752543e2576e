import { defineConfig } from 'vitest/config';

// One run for the whole monorepo: each package is a project with its own environment and
// resolution (see vitest.shared.ts).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/*/vitest.*.config.ts',
      'apps/*/vitest.config.ts',
      'e2e/vitest.config.ts',
    ],
  },
});
