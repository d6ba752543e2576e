// Folders served beside the API (a demo's pages, the widget's built script), never under its paths.
import { isAbsolute, posix, relative, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A folder of files served as they are (a demo's pages, the widget's built script). */
export interface StaticRoot {
  /** The folder (absolute, or relative to the working directory); one that does not exist yet
   *  serves nothing until it does, then its files without a restart. */
  root: string;
  /** URL path the folder is served under; `/` by default. */
  prefix?: string;
  /**
   * Cache-Control of its files; `no-cache` by default: the browser keeps a copy but revalidates
   * it (ETag, Last-Modified) on every use, so a rebuilt script or an edited page shows on reload.
   */
  cacheControl?: string;
  /**
   * Only these files of the folder are served (paths inside it, e.g. `['confab.js']`), each at its
   * own path under the prefix, ahead of other folders there; nothing else of the folder answers.
   * A build folder holds more than its script (source maps, other bundles, type declarations):
   * list what the pages need. Without it, the whole folder is served.
   */
  files?: string[];
}

/** Paths the API owns: a file never answers under them, even where no API route matches. */
const API_PATHS = ['/messenger/', '/api/', '/health', '/healthz', '/readyz', '/metrics'];

function isApiPath(request: FastifyRequest): boolean {
  let path: string;
  try {
    // Decoded, as the file lookup decodes it: `/%61pi/…` is `/api/…`.
    path = decodeURIComponent(request.url.split('?')[0] ?? '');
  } catch {
    return true; // malformed escapes: no file
  }
  return isApiPathname(path);
}

function isApiPathname(path: string): boolean {
  return API_PATHS.some(
    (owned) => path === owned.replace(/\/$/, '') || path.startsWith(owned.endsWith('/') ? owned : `${owned}/`),
  );
}

/**
 * Serves the folders with @fastify/static. Folders under one prefix share a registration (one
 * wildcard route), looked up in the given order; the API's own routes always win the match.
 */
export async function serveStatic(app: FastifyInstance, roots: StaticRoot[]): Promise<void> {
  const byPrefix = new Map<string, StaticRoot[]>();
  for (const root of roots) {
    const prefix = root.prefix ?? '/';
    if (!prefix.startsWith('/')) throw new Error(`static prefix must start with /, got ${JSON.stringify(prefix)}`);
    if (root.files) await serveFiles(app, root, prefix, root.files);
    else byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), root]);
  }
  for (const [prefix, group] of byPrefix) {
    const folders = group.map((g) => ({ root: resolve(g.root), cacheControl: g.cacheControl ?? 'no-cache' }));
    await app.register(fastifyStatic, {
      root: folders.map((f) => f.root),
      prefix,
      decorateReply: false,
      suppressWarning: true,
      dotfiles: 'ignore',
      index: 'index.html',
      cacheControl: false,
      allowedPath: (_path, _root, request) => !isApiPath(request),
      setHeaders: (reply, file) =>
        setFileHeaders(reply, file, folders.find((f) => isInside(f.root, file))?.cacheControl),
    });
  }
}

function setFileHeaders(reply: FastifyReply, file: string, cacheControl: string | undefined) {
  // RFC 9239: JavaScript is text/javascript (the mime table still says application/...).
  if (/\.m?js$/.test(file)) reply.header('content-type', 'text/javascript; charset=utf-8');
  reply.header('cache-control', cacheControl ?? 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
}

/** A folder's listed files, each on a route of its own: a path not listed never reaches the folder. */
async function serveFiles(app: FastifyInstance, root: StaticRoot, prefix: string, files: string[]): Promise<void> {
  const urls = files.map((file) => {
    const normalized = posix.normalize(file);
    if (
      file === '' ||
      normalized !== file ||
      file.startsWith('/') ||
      file.startsWith('..') ||
      file.split('/').some((part) => part.startsWith('.'))
    ) {
      throw new Error(
        `a static file must be a plain path inside its folder (no leading /, no . or .. segments, no dotfiles), got ${JSON.stringify(file)}`,
      );
    }
    const url = posix.join(prefix, file);
    if (isApiPathname(url)) throw new Error(`static file ${JSON.stringify(url)} would shadow the API`);
    return { file, url };
  });
  // A scope of its own: the plugin's reply.sendFile is decorated once per folder.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: resolve(root.root),
      serve: false,
      decorateReply: true,
      suppressWarning: true,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders: (reply, file) => setFileHeaders(reply, file, root.cacheControl),
    });
    for (const { file, url } of urls) scope.get(url, (_request, reply) => reply.sendFile(file));
  });
}

function isInside(folder: string, file: string): boolean {
  const path = relative(folder, file);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}
