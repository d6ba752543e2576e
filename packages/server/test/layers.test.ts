// The server's layers point one way: command line → start → build the app → routes → services →
// store → database. A lower layer importing a higher one (or HTTP) would tie them back together.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(folder, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(folder, entry.name)]
        : [],
  );
}

/** What a file imports: its relative imports as paths under src/, and the packages it names. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map(([, target]) =>
    target!.startsWith('.') ? relative(src, resolve(dirname(file), target!)) : target!,
  );
}

const files = sourceFiles(src).map((file) => ({ path: relative(src, file), imports: importsOf(file) }));
const importersOf = (where: (path: string) => boolean) => files.filter((file) => where(file.path));

/** Modules of the HTTP layer and above: the store and the services never reach them. */
const HTTP = [
  /^build-app/,
  /^start-server/,
  /^command-line/,
  /^client-apps/,
  /^widget/,
  /^precompressed/,
  /^context/,
  /^auth/,
  /^errors/,
  /^routes\//,
  /^static-files/,
  /^json-body/,
  /^rate-limits/,
  /^stream-caps/,
  /^event-stream/,
  /^team-auth/,
  /^team-actor/,
  /^team-feed/,
  /^teammate-schemas/,
  /^password-links/,
  /^cursor/,
  /^request-timeout/,
  /^schemas/,
  /^well-formed-text/,
  /^health/,
  /^metrics/,
  /^logging/,
  /^shutdown/,
  /^admin-commands/,
  /^operations-config/,
];
const isHttp = (target: string) =>
  HTTP.some((pattern) => pattern.test(target)) || target === 'fastify' || target.startsWith('@fastify/');

describe('the server in layers', () => {
  it('the store imports neither the HTTP layer, the services, nor the routes', () => {
    for (const file of importersOf((path) => path.startsWith('store/'))) {
      const upward = file.imports.filter((target) => isHttp(target) || target.startsWith('services/'));
      expect({ file: file.path, upward }).toEqual({ file: file.path, upward: [] });
    }
  });

  it('the database layer (db/) imports nothing of the server above it', () => {
    for (const file of importersOf((path) => path.startsWith('db/'))) {
      const upward = file.imports.filter(
        (target) => isHttp(target) || target.startsWith('services/') || target.startsWith('store/'),
      );
      expect({ file: file.path, upward }).toEqual({ file: file.path, upward: [] });
    }
  });

  it('the services import no HTTP but the context type, and no routes', () => {
    for (const file of importersOf((path) => path.startsWith('services/'))) {
      const upward = file.imports.filter((target) => isHttp(target) && target !== 'context');
      expect({ file: file.path, upward }).toEqual({ file: file.path, upward: [] });
    }
  });

  it('routes import neither the app that mounts them nor each other', () => {
    for (const file of importersOf((path) => path.startsWith('routes/'))) {
      const upward = file.imports.filter((target) => /^(build-app|start-server|command-line|routes\/)/.test(target));
      expect({ file: file.path, upward }).toEqual({ file: file.path, upward: [] });
    }
  });

  it('domain errors name no HTTP status or request field', () => {
    const text = readFileSync(join(src, 'domain-errors.ts'), 'utf8');
    expect(text).not.toMatch(/status|field|\b[45]\d\d\b|body\.|identity\./);
  });
});
