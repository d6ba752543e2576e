// Resolution every vitest project shares. The "source" export condition makes a workspace
// package's tests import its siblings' src, so no build runs before a test. Each project file
// spreads one of these (a project config does not inherit the root's `resolve`).
const sourceFirst = (conditions: string[]) => ({
  resolve: { conditions: ['source', ...conditions] },
  ssr: { resolve: { conditions: ['source', ...conditions], externalConditions: ['source'] } },
});

/** Packages that run in Node (core under the node environment, the server). */
export const nodeResolution = sourceFirst(['node', 'module', 'development|production']);

/** Packages rendered under happy-dom (the adapters). */
export const browserResolution = sourceFirst(['browser', 'import', 'module', 'development|production']);
