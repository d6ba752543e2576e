// Read by svelte-check, svelte-package and the Vite plugin in tests.
export default {
  compilerOptions: { runes: true },
};
