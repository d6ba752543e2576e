// The body parser of every JSON route (and of the beacon, whose JSON comes as text/plain).
// secure-json-parse, as Fastify's own parser, but the 400 says what is wrong: Fastify's answers
// "Body is not valid JSON but content-type is set to 'application/json'" for a syntax error and
// for a `__proto__` key alike, and for a text/plain beacon too.
import type { FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { ApiError } from './errors';

/** The charset a content-type names, lower-cased and unquoted; undefined when it names none. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType ?? '');
  return match?.[2]?.toLowerCase();
}

export function parseJsonBody(
  request: FastifyRequest,
  body: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
) {
  // The body is read as UTF-8 (what JSON is, RFC 8259): another charset would be read wrong.
  const charset = charsetOf(request.headers['content-type']);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    done(
      new ApiError(415, `charset ${JSON.stringify(charset)} is not accepted: send the body as UTF-8`, 'content-type'),
    );
    return;
  }
  if (body.length === 0) {
    done(new ApiError(400, 'the body is empty: send a JSON object', 'body'));
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString());
  } catch (error) {
    done(new ApiError(400, `the body is not valid JSON: ${(error as Error).message}`, 'body'));
    return;
  }
  try {
    // Walks the parsed value for keys that would poison a prototype once merged into an object.
    if (value !== null && typeof value === 'object')
      secureJson.scan(value, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    done(
      new ApiError(400, 'the body names "__proto__" or "constructor.prototype": these keys are not allowed', 'body'),
    );
    return;
  }
  done(null, value);
}
