import { defineConfig } from 'vitest/config';

// One run for the whole monorepo: each package is a project with its own environment.
// The "source" export condition lets a package's tests import its siblings' src without a build.
const conditions = ['source', 'module', 'browser', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
});
