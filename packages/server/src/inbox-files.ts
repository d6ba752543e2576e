// The inbox (apps/inbox, the team's web app) as the server hands it out at /inbox: index.html for
// /inbox and every path under it that is not a file (the app routes in the browser), its
// content-hashed assets cached for good, everything compressed once and under a CSP that allows
// only the inbox's own files (no inline script or style, no other origin but images).
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors';
import { type PrecompressedFile, precompress, sendPrecompressed } from './precompressed';

export const INBOX_PATH = '/inbox';

export const INBOX_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const INBOX_BUILD_COMMAND = 'pnpm --filter @confab/inbox build';

/** Where @confab/inbox's build writes the app: the server package's inbox/ folder (src/ and dist/ sit beside it). */
export function builtInboxFolder(): string {
  return fileURLToPath(new URL('../inbox', import.meta.url));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

const SECURITY_HEADERS = {
  'content-security-policy': INBOX_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** A built file held compressed in memory, read again when its size or time changes (a rebuild). */
interface CachedFile {
  mtimeMs: number;
  size: number;
  file: PrecompressedFile;
}

/**
 * The path under /inbox/ as segments inside the folder, or undefined when it could leave it or
 * name a hidden file: `..`, `.` and dotfile segments, backslashes, NUL, malformed escapes.
 */
function safeSegments(rest: string): string[] | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  if (decoded.includes('\\') || decoded.includes('\0')) return undefined;
  const segments = decoded.split('/').filter((segment, index, all) => segment !== '' || index === all.length - 1);
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  return segments.filter((segment) => segment !== '');
}

export interface ServedInbox {
  /** `/inbox` */
  path: string;
  /** The folder it is served from. */
  folder: string;
}

/** Serves the built inbox in `folder` at /inbox; one not built yet answers 503 saying how to build it, until it is. */
export async function serveInbox(app: FastifyInstance, folder: string): Promise<ServedInbox> {
  const root = resolve(folder);
  const cache = new Map<string, CachedFile>();

  /** The file's compressed forms, or undefined when it is not a regular file of the folder. */
  async function load(relative: string): Promise<PrecompressedFile | undefined> {
    const path = join(root, relative);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const cached = cache.get(relative);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.file;
    const type = CONTENT_TYPES[extname(relative).toLowerCase()] ?? 'application/octet-stream';
    const file = await precompress(await readFile(path), type);
    cache.set(relative, { mtimeMs: info.mtimeMs, size: info.size, file });
    return file;
  }

  async function answer(request: FastifyRequest, reply: FastifyReply, rest: string) {
    reply.headers(SECURITY_HEADERS);
    const segments = safeSegments(rest);
    if (!segments) return reply.status(404).send(errorBody(404, `no file ${request.url.split('?')[0]}`));
    const relative = segments.join('/');
    const isAsset = segments[0] === 'assets';
    if (relative !== '' && relative !== 'index.html') {
      const file = await load(relative);
      if (file) {
        return sendPrecompressed(request, reply, file, {
          'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
      // A hashed asset that is gone (an older build's) is a 404, not the page in its place.
      if (isAsset) return reply.status(404).send(errorBody(404, `no file ${request.url.split('?')[0]}`));
    }
    const index = await load('index.html');
    if (!index) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`The inbox is not built: run ${INBOX_BUILD_COMMAND} (npm start does it). No restart needed.\n`);
    }
    // The page itself is revalidated on every load, so a new build shows on reload.
    return sendPrecompressed(request, reply, index, { 'cache-control': 'no-cache' });
  }

  app.get(INBOX_PATH, (request, reply) => answer(request, reply, ''));
  app.get(`${INBOX_PATH}/*`, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    return answer(request, reply, path.slice(INBOX_PATH.length + 1));
  });
  // Every other answer under /inbox (a refused request, a framework error) carries the CSP too.
  app.addHook('onSend', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if ((path === INBOX_PATH || path.startsWith(`${INBOX_PATH}/`)) && !reply.hasHeader('content-security-policy'))
      reply.headers(SECURITY_HEADERS);
  });
  return { path: INBOX_PATH, folder: root };
}
