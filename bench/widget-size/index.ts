// The self-contained widget script's size (minified, gzip -9, brotli) against its budget, beside a
// baseline built in the same run: the floor any xstate-based widget pays (setup + createActor,
// minified the same way), so the ratio says what Confab adds on top of its machine library.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const widgetPath = fileURLToPath(new URL('../../packages/dom/dist/confab.js', import.meta.url));
const budget = JSON.parse(readFileSync(new URL('../../packages/dom/size-budget.json', import.meta.url), 'utf8')) as { gzip: number; target: number };

const sizes = (bytes: Uint8Array) => ({ min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliCompressSync(bytes).length });

const widget = sizes(readFileSync(widgetPath));
const floorBuild = await build({
  stdin: { contents: "import { setup, createActor } from 'xstate'; globalThis.__floor = [setup, createActor];", resolveDir: fileURLToPath(new URL('../../packages/core/', import.meta.url)), loader: 'js' },
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  write: false,
});
const floor = sizes(floorBuild.outputFiles[0]!.contents);

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log('widget-size (packages/dom/dist/confab.js; build it first: pnpm --filter @confab/dom run build)');
console.log(`  confab.js:              ${kb(widget.min)} min, ${kb(widget.gzip)} gzip, ${kb(widget.brotli)} brotli`);
console.log(`  xstate floor (baseline): ${kb(floor.min)} min, ${kb(floor.gzip)} gzip, ${kb(floor.brotli)} brotli`);
console.log(`  ratio (gzip):           ${(widget.gzip / floor.gzip).toFixed(2)}x the floor`);
console.log(`  budget (gzip):          ${widget.gzip} of ${budget.gzip} bytes checked by the tests; target ${budget.target} (${widget.gzip <= budget.target ? 'met' : `${widget.gzip - budget.target} bytes over`})`);
