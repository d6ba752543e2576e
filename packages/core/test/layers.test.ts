// Core's layers, each an entry point (package.json exports), kept apart by their imports: what runs
// anywhere never reaches for the browser or the test doubles, and the protocol the server depends
// on imports nothing. Stands in for a lint rule until the repository has a linter.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

type Layer = 'protocol' | 'core' | 'browser' | 'testing';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** The folder a file sits in under src/ decides its layer; files at the top are core. */
const LAYER_OF_FOLDER: Record<string, Layer> = {
  protocol: 'protocol',
  machine: 'core',
  commands: 'core',
  delivery: 'core',
  view: 'core',
  platform: 'core',
  browser: 'browser',
  testing: 'testing',
};

/** Which layers, and which npm packages, each layer may import. */
const ALLOWED: Record<Layer, { layers: Layer[]; packages: string[] }> = {
  protocol: { layers: ['protocol'], packages: [] },
  core: { layers: ['protocol', 'core'], packages: ['xstate', 'valibot'] },
  browser: { layers: ['protocol', 'core', 'browser'], packages: ['cookie'] },
  testing: { layers: ['protocol', 'core', 'testing'], packages: ['xstate'] },
};

function layerOf(pathInSrc: string): Layer | undefined {
  const [first, ...rest] = pathInSrc.split(sep);
  // `../browser` names a folder (its index); `messenger` at the top is a file of core.
  return LAYER_OF_FOLDER[first!] ?? (rest.length === 0 ? 'core' : undefined);
}

interface SourceFile {
  /** Relative to src/, with the platform's separator. */
  path: string;
  text: string;
}

/** Every import a file makes (static, `export … from`, `import type`, dynamic) that breaks its layer's rule. */
export function layerViolations(files: SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const layer = layerOf(file.path);
    if (!layer) {
      found.push(`${file.path}: in no layer (add its folder to LAYER_OF_FOLDER)`);
      continue;
    }
    const allowed = ALLOWED[layer];
    for (const { fileName: specifier } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (specifier.startsWith('.')) {
        const target = relative(SRC, resolve(SRC, dirname(file.path), specifier));
        const targetLayer = target.startsWith('..') ? undefined : layerOf(target);
        if (!targetLayer || !allowed.layers.includes(targetLayer)) {
          found.push(`${file.path} (${layer}) imports ${specifier} (${targetLayer ?? 'outside src'})`);
        }
      } else {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!allowed.packages.includes(name)) found.push(`${file.path} (${layer}) imports the package ${specifier}`);
      }
    }
  }
  return found;
}

function sourceFiles(folder: string): SourceFile[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [{ path: relative(SRC, path), text: readFileSync(path, 'utf8') }] : [];
  });
}

describe('core layers', () => {
  it('no file imports across its layer boundary', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(40);
    expect(layerViolations(files)).toEqual([]);
  });

  it('the rule catches each kind of crossing', () => {
    const file = (path: string, text: string) => ({ path: path.split('/').join(sep), text });
    expect(
      layerViolations([
        file('machine/a.ts', "import { createCookieStorage } from '../browser/cookie-storage';"),
        file('view/b.ts', "export { createMemoryServer } from '../testing/memory-transport';"),
        file('c.ts', "import type { SimulatedClock } from './testing';"),
        file('delivery/d.ts', "const later = () => import('../browser');"),
        file('delivery/e.ts', "import { parseCookie } from 'cookie';"),
        file('protocol/f.ts', "import type { Clock } from '../platform/clock';"),
        file('browser/g.ts', "import { createSimulatedClock } from '../testing';"),
        file('elsewhere/h.ts', ''),
        file('browser/fine.ts', "import { parseCookie } from 'cookie';\nimport { connect } from '../view/connect';\nimport type { Page } from '../protocol';"),
        file('testing/fine.ts', "import { setup } from 'xstate';\nimport { createMessenger } from '../messenger';"),
      ]),
    ).toEqual([
      'machine/a.ts (core) imports ../browser/cookie-storage (browser)',
      'view/b.ts (core) imports ../testing/memory-transport (testing)',
      'c.ts (core) imports ./testing (testing)',
      'delivery/d.ts (core) imports ../browser (browser)',
      'delivery/e.ts (core) imports the package cookie',
      'protocol/f.ts (protocol) imports ../platform/clock (core)',
      'browser/g.ts (browser) imports ../testing (testing)',
      'elsewhere/h.ts: in no layer (add its folder to LAYER_OF_FOLDER)',
    ].map((line) => line.replace(/^[^ ]+/, (path) => path.split('/').join(sep))));
  });
});
