// Core's layers, each an entry point (package.json exports), are kept apart by a lint rule
// (noRestrictedImports in biome.jsonc, run by `npm test`): what runs anywhere never reaches for the
// browser or the test doubles, and the protocol the server depends on imports nothing. These tests
// run the real linter with the repository's configuration on files that cross each boundary, so a
// loosened rule fails here.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BIOME = join(ROOT, 'node_modules', '.bin', 'biome');
const scratch = mkdtempSync(join(tmpdir(), 'confab-layers-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Lints the given files (paths under packages/core/src) with the repository's rules; returns the crossings found. */
function crossings(files: Record<string, string>): string[] {
  const root = mkdtempSync(join(scratch, 'case-'));
  copyFileSync(join(ROOT, 'biome.jsonc'), join(root, 'biome.jsonc'));
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, 'packages/core/src', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${text}\n`);
  }
  const run = spawnSync(
    BIOME,
    [
      'lint',
      '--vcs-enabled=false',
      '--only=style/noRestrictedImports',
      '--reporter=github',
      '--max-diagnostics=none',
      '.',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  // One `::error file=…,line=…,col=…` line per diagnostic.
  return [...run.stdout.matchAll(/file=[^,]*?packages\/core\/src\/([^,]+),line=(\d+),[^:]*::/g)]
    .map(([, path, line]) => `${path}:${line}`)
    .sort();
}

describe('core layers (the lint rule)', () => {
  it('flags each kind of crossing', () => {
    expect(
      crossings({
        'machine/a.ts': "import { createCookieStorage } from '../browser/cookie-storage';",
        'view/b.ts': "export { createMemoryServer } from '../testing/memory-transport';",
        'c.ts': "import type { SimulatedClock } from './testing';",
        'delivery/d.ts': "export const later = () => import('../browser');",
        'delivery/e.ts': "import { parse } from 'cookie';",
        'platform/f.ts': "import { readFileSync } from 'node:fs';",
        'protocol/g.ts': "import type { Clock } from '../platform/clock';",
        'protocol/h.ts': "import * as v from 'valibot';",
        'browser/i.ts': "import { createSimulatedClock } from '../testing';",
        'testing/j.ts': "import { createBrowserMessenger } from '../browser';",
      }),
    ).toEqual(
      [
        'machine/a.ts',
        'view/b.ts',
        'c.ts',
        'delivery/d.ts',
        'delivery/e.ts',
        'platform/f.ts',
        'protocol/g.ts',
        'protocol/h.ts',
        'browser/i.ts',
        'testing/j.ts',
      ]
        .map((path) => `${path}:1`)
        .sort(),
    );
  });

  it('lets each layer import what it builds on', () => {
    expect(
      crossings({
        'machine/a.ts':
          "import { setup } from 'xstate';\nimport * as v from 'valibot';\nimport type { Page } from '../protocol';\nimport { x } from './guards';",
        'browser/b.ts':
          "import { parse } from 'cookie';\nimport { connect } from '../view/connect';\nimport type { Page } from '../protocol';",
        'testing/c.ts': "import { setup } from 'xstate';\nimport { createMessenger } from '../messenger';",
        'protocol/d.ts': "import { LIMIT } from './limits';",
      }),
    ).toEqual([]);
  });
});
