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

// Where the bytes go: the same entry bundled again (esbuild's minifier, so the figures compare with
// each other rather than with the terser-built script above), once whole and once with each
// library left out; what leaving it out saves is its share. The stylesheet is swapped for an empty
// one the same way.
const entry = fileURLToPath(new URL('../../packages/dom/src/iife.ts', import.meta.url));
async function bundledGzip(options: { external?: string[]; emptyStylesheet?: boolean }): Promise<number> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    conditions: ['source', 'browser', 'import', 'module'],
    external: options.external ?? [],
    write: false,
    plugins: [
      {
        name: 'stylesheet-as-text',
        setup(b) {
          b.onResolve({ filter: /\.css\?raw$/ }, (args) => ({ path: `${args.resolveDir}/${args.path.slice(0, -4)}`, namespace: 'css-text' }));
          b.onLoad({ filter: /.*/, namespace: 'css-text' }, async (args) => {
            const css = options.emptyStylesheet ? '' : (await build({ entryPoints: [args.path], bundle: true, minify: true, write: false })).outputFiles[0]!.text;
            return { contents: `export default ${JSON.stringify(css)};`, loader: 'js' };
          });
        },
      },
    ],
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}
const whole = await bundledGzip({});
const shares: Array<[string, number]> = [];
for (const library of ['xstate', 'valibot', 'cookie']) shares.push([library, whole - (await bundledGzip({ external: [library] }))]);
shares.push(['stylesheet (messenger.css)', whole - (await bundledGzip({ emptyStylesheet: true }))]);
const libraries = await bundledGzip({ external: ['xstate', 'valibot', 'cookie'], emptyStylesheet: true });
console.log(`  where the gzip bytes go (esbuild-minified rebuild, ${kb(whole)} whole; each share is what leaving it out saves):`);
for (const [what, bytes] of shares) console.log(`    ${what.padEnd(28)} ${kb(bytes)}`);
console.log(`    ${'Confab code without them'.padEnd(28)} ${kb(libraries)}`);
console.log(`  budget (gzip):          ${widget.gzip} of ${budget.gzip} bytes checked by the tests; target ${budget.target} (${widget.gzip <= budget.target ? 'met' : `${widget.gzip - budget.target} bytes over`})`);
