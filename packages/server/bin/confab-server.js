#!/usr/bin/env node
// The command line from the package's build (dist/). A checkout that was not built says how to build it.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/command-line.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'confab-server: the server is not built (dist/command-line.js is missing): run pnpm build at the repository root',
  );
  process.exit(1);
}
await import(entry.href);
