// The widget's script, served to any site: `/confab.js` for Intercom's snippet (cached briefly, so
// an upgrade reaches pages within minutes) and `/confab.<hash>.js`, a name that changes with the
// bytes (cached for good, and safe to pin with Subresource Integrity).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { contentDigest, precompress, sendPrecompressed } from './precompressed';

export const WIDGET_PATH = '/confab.js';
/** How long browsers and caches keep `/confab.js` before they ask again. */
export const WIDGET_MAX_AGE_SECONDS = 300;

export interface ServedWidget {
  /** `/confab.js` */
  path: string;
  /** `/confab.<hash>.js` */
  hashedPath: string;
  /** Subresource Integrity of the script: `sha384-<base64>`. */
  integrity: string;
  /** The script's size, and compressed as it is sent. */
  bytes: { identity: number; gzip?: number; br?: number };
}

export const WIDGET_HELP = `The widget (@confab/dom's confab.js, built by pnpm build):
  GET ${WIDGET_PATH}           for Intercom's snippet; Cache-Control max-age=${WIDGET_MAX_AGE_SECONDS},
                             so an upgrade reaches pages within ${WIDGET_MAX_AGE_SECONDS / 60} minutes
  GET /confab.<hash>.js    the same bytes under a name that changes with them; cached a year, immutable
  Both are sent gzip or brotli compressed (by Accept-Encoding) with Access-Control-Allow-Origin: *,
  so any site may load them. At start the server prints the hashed name and its Subresource
  Integrity hash (sha384), for a pinned script tag:
    <script src="https://confab.example/confab.<hash>.js" integrity="sha384-…" crossorigin="anonymous"></script>
  An upgrade changes the hash: the old name then answers 404, so update such a tag with it.`;

/** Where @confab/dom's built script is, or an Error saying how to build it. */
export function builtWidgetFile(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('@confab/dom/confab.js');
  } catch {
    throw new Error(
      "the widget's script (@confab/dom's dist/confab.js) is not built: run pnpm build at the repository root",
    );
  }
}

/** The hashed path and integrity the script at `file` would be served with (for --help). */
export function widgetNames(file: string): Pick<ServedWidget, 'hashedPath' | 'integrity'> {
  const { contentHash, integrity } = contentDigest(readFileSync(file));
  return { hashedPath: `/confab.${contentHash}.js`, integrity };
}

/**
 * Reads the script at `file`, compresses it once, and serves it at both names. Its files on disk
 * are read once: a rebuilt script is served from the next start.
 */
export async function serveWidget(app: FastifyInstance, file: string): Promise<ServedWidget> {
  const script = await precompress(await readFile(file), 'text/javascript; charset=utf-8');
  const hashedPath = `/confab.${script.contentHash}.js`;
  // A script element's request: any page may load it, with or without crossorigin (which SRI
  // needs); Cross-Origin-Resource-Policy lets pages that require it (COEP) embed it too.
  const shared = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };
  app.get(WIDGET_PATH, (request, reply) =>
    sendPrecompressed(request, reply, script, {
      ...shared,
      'cache-control': `public, max-age=${WIDGET_MAX_AGE_SECONDS}`,
    }),
  );
  app.get(hashedPath, (request, reply) =>
    sendPrecompressed(request, reply, script, { ...shared, 'cache-control': 'public, max-age=31536000, immutable' }),
  );
  return {
    path: WIDGET_PATH,
    hashedPath,
    integrity: script.integrity,
    bytes: {
      identity: script.bodies.identity.length,
      ...(script.bodies.gzip ? { gzip: script.bodies.gzip.length } : {}),
      ...(script.bodies.br ? { br: script.bodies.br.length } : {}),
    },
  };
}
