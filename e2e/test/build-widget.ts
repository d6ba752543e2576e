// Builds the self-contained widget script once per run: the browser tests load the very file a
// site would (packages/dom/dist/confab.js), not a test build of it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DOM_PACKAGE = fileURLToPath(new URL('../../packages/dom/', import.meta.url));
export const WIDGET_PATH = join(DOM_PACKAGE, 'dist', 'confab.js');

export default function setup() {
  // tsup's own CLI from the dom package, through this Node: no pnpm needed on PATH.
  const require = createRequire(join(DOM_PACKAGE, 'package.json'));
  const tsupRoot = dirname(require.resolve('tsup/package.json'));
  const bin = (JSON.parse(readFileSync(join(tsupRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin
    .tsup!;
  rmSync(join(DOM_PACKAGE, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [join(tsupRoot, bin)], { cwd: DOM_PACKAGE, stdio: 'pipe' });
  if (!existsSync(WIDGET_PATH)) throw new Error(`the widget build did not produce ${WIDGET_PATH}`);
}
