// The self-contained widget script's size (minified, gzip -9, brotli) against its budget, beside a
// baseline built in the same run: the floor any xstate-based widget pays (setup + createActor,
// minified the same way), so the ratio says what Confab adds on top of its machine library.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { MESSENGER_CSS } from '@confab/core/browser';
import { build, type Plugin } from 'esbuild';

const widgetPath = fileURLToPath(new URL('../../packages/dom/dist/confab.js', import.meta.url));
const budget = JSON.parse(readFileSync(new URL('../../packages/dom/size-budget.json', import.meta.url), 'utf8')) as {
  gzip: number;
  target: number;
};

const sizes = (bytes: Uint8Array) => ({
  min: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes).length,
});

const widget = sizes(readFileSync(widgetPath));
const floorBuild = await build({
  stdin: {
    contents: "import { setup, createActor } from 'xstate'; globalThis.__floor = [setup, createActor];",
    resolveDir: fileURLToPath(new URL('../../packages/core/', import.meta.url)),
    loader: 'js',
  },
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

// Where the bytes go: the same entry bundled again (esbuild's minifier, so the figures compare with
// each other rather than with the terser-built script above), once whole and once with each
// library left out; what leaving it out saves is its share. The stylesheet's share is its text
// compressed alone (an upper bound: beside the code it shares some of gzip's dictionary). Within
// Confab's own code, the cookie format (browser/cookie-format.ts, which replaced the `cookie`
// package) is measured the same way, left out as a module.
const entry = fileURLToPath(new URL('../../packages/dom/src/iife.ts', import.meta.url));
const LIBRARIES = ['xstate', 'valibot'];
const COOKIE_FORMAT = /\/cookie-format(\.ts)?$/;
/** Leaves the modules a path matches out of the bundle, as `external` does for a package. */
const leaveOut = (modules: RegExp): Plugin => ({
  name: 'leave-out',
  setup(bundle) {
    bundle.onResolve({ filter: modules }, (module) => ({ path: module.path, external: true }));
  },
});
async function bundledGzip(external: string[] = [], modules?: RegExp): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    conditions: ['source', 'browser', 'import', 'module'],
    external,
    plugins: modules ? [leaveOut(modules)] : [],
    write: false,
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}
const whole = await bundledGzip();
const shares: Array<[string, number]> = [];
for (const library of LIBRARIES) shares.push([library, whole - (await bundledGzip([library]))]);
const stylesheet = gzipSync(MESSENGER_CSS, { level: 9 }).length;
shares.push(['stylesheet (MESSENGER_CSS)', stylesheet]);
const withoutLibraries = await bundledGzip(LIBRARIES);
const confabCode = withoutLibraries - stylesheet;
const cookieFormat = withoutLibraries - (await bundledGzip(LIBRARIES, COOKIE_FORMAT));
console.log(
  `  where the gzip bytes go (esbuild-minified rebuild, ${kb(whole)} whole; each share is what leaving it out saves):`,
);
for (const [what, bytes] of shares) console.log(`    ${what.padEnd(28)} ${kb(bytes)}`);
console.log(`    ${'Confab code without them'.padEnd(28)} ${kb(confabCode)}`);
console.log(`      ${'of it, cookie-format.ts'.padEnd(26)} ${kb(cookieFormat)} (${cookieFormat} B)`);
console.log(
  `  budget (gzip):          ${widget.gzip} of ${budget.gzip} bytes checked by the tests; target ${budget.target} (${widget.gzip <= budget.target ? 'met' : `${widget.gzip - budget.target} bytes over`})`,
);
