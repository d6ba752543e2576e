// The built inbox's weight: its JavaScript and CSS gzipped at level 9, all of it and the part its
// index.html loads before anything shows (the entry script, its module preloads, its stylesheets).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSizes {
  files: Array<{ path: string; raw: number; gzip: number; initial: boolean }>;
  js: { raw: number; gzip: number; initialGzip: number };
  css: { raw: number; gzip: number; initialGzip: number };
}

function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(join(folder, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(folder, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

/** `folder`: the inbox's build output (the folder holding index.html). */
export function assetSizes(folder: string): AssetSizes {
  const html = readFileSync(join(folder, 'index.html'), 'utf8');
  // Every src/href the page names: what it loads up front (lazy chunks are named only in scripts).
  const named = new Set([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!.replace(/^.*?\/assets\//, '')));
  const sizes: AssetSizes = {
    files: [],
    js: { raw: 0, gzip: 0, initialGzip: 0 },
    css: { raw: 0, gzip: 0, initialGzip: 0 },
  };
  for (const path of filesUnder(folder)) {
    const kind = path.endsWith('.js') ? 'js' : path.endsWith('.css') ? 'css' : null;
    if (!kind) continue;
    const bytes = readFileSync(join(folder, path));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    const initial = named.has(path.replace(/^assets\//, ''));
    sizes.files.push({ path, raw: bytes.length, gzip, initial });
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzip;
    if (initial) sizes[kind].initialGzip += gzip;
  }
  sizes.files.sort((a, b) => b.gzip - a.gzip);
  return sizes;
}
