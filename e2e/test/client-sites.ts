// Bundles a site built on one of Intercom's npm clients (e2e/clients/) the way a site's own build
// would: one minified production script for the browser, React's JSX included.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export type ClientSite = 'intercom-sdk-site.ts' | 'react-use-intercom-site.tsx';

export async function bundleClientSite(entry: ClientSite): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../clients/${entry}`, import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
