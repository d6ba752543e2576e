// A file held in memory with its gzip and brotli forms made once, sent in the form the request's
// Accept-Encoding prefers: a script served to every page view is compressed once, not per request.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { Negotiator } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

type Encoding = 'br' | 'gzip' | 'identity';

export interface PrecompressedFile {
  contentType: string;
  /** The bytes by content coding; a compressed form that would not be smaller is left out. */
  bodies: Partial<Record<Encoding, Buffer>> & { identity: Buffer };
  /** Subresource Integrity of the bytes: `sha384-<base64>`. */
  integrity: string;
  /** 16 hex digits of the same digest: a name that changes whenever the bytes do. */
  contentHash: string;
}

/** The bytes' Subresource Integrity and content hash (PrecompressedFile), without compressing them. */
export function contentDigest(bytes: Buffer): Pick<PrecompressedFile, 'integrity' | 'contentHash'> {
  const digest = createHash('sha384').update(bytes).digest();
  return { integrity: `sha384-${digest.toString('base64')}`, contentHash: digest.subarray(0, 8).toString('hex') };
}

export async function precompress(bytes: Buffer, contentType: string): Promise<PrecompressedFile> {
  // The strongest settings: this runs once per process, and every visitor downloads the result.
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  return {
    contentType,
    bodies: {
      identity: bytes,
      ...(br.length < bytes.length ? { br } : {}),
      ...(gz.length < bytes.length ? { gzip: gz } : {}),
    },
    ...contentDigest(bytes),
  };
}

// Brotli first: about a tenth smaller than gzip for a minified script.
const negotiators = new WeakMap<PrecompressedFile, Negotiator<Encoding>>();
function negotiatorOf(file: PrecompressedFile): Negotiator<Encoding> {
  let negotiator = negotiators.get(file);
  if (!negotiator) {
    const supportedValues = (['br', 'gzip', 'identity'] as const).filter(
      (encoding) => file.bodies[encoding] !== undefined,
    );
    negotiator = new Negotiator<Encoding>({ supportedValues });
    negotiators.set(file, negotiator);
  }
  return negotiator;
}

/** If-None-Match holds the current tag (weak comparison, RFC 9110 §13.1.2). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * Sends the file in the preferred coding the request accepts (identity when it accepts none of
 * them), with `Vary: Accept-Encoding` so caches keep one copy per coding, and an ETag per coding:
 * a matching If-None-Match is a 304 without a body. `headers` adds the route's own (caching, CORS).
 */
export function sendPrecompressed(
  request: FastifyRequest,
  reply: FastifyReply,
  file: PrecompressedFile,
  headers: Record<string, string>,
) {
  const accepted = request.headers['accept-encoding'];
  const encoding = (accepted ? negotiatorOf(file).negotiate(accepted.toLowerCase()) : null) ?? 'identity';
  const etag = `"${file.contentHash}${encoding === 'identity' ? '' : `-${encoding}`}"`;
  reply.headers({ ...headers, vary: 'accept-encoding', etag, 'x-content-type-options': 'nosniff' });
  if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  return reply.type(file.contentType).send(file.bodies[encoding]);
}
