// Every error the API answers is JSON that names what is wrong: `{ error: { status, code, message, field? } }`.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type AnyDomainError, DomainError, type LimitError } from './domain-errors';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export interface ErrorBody {
  error: { status: number; code: ErrorCode; message: string; field?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    /** For 429: when the client may try again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(status: number, message: string, field?: string): ErrorBody {
  return {
    error: {
      status,
      code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid_request'),
      message,
      ...(field ? { field } : {}),
    },
  };
}

/** The request field a custom attributes limit is about. */
const CUSTOM_ATTRIBUTES_FIELD: Record<LimitError['holder'], string> = {
  person: 'body.attributes.custom_attributes',
  company: 'body.attributes.company.custom_attributes',
};

/** What the HTTP API answers for a refusal of the services or the store: a status and the field at fault. */
export function httpAnswerOf(error: AnyDomainError): { status: number; message: string; field?: string } {
  switch (error.code) {
    case 'session_ended':
      return { status: 401, message: error.message, field: 'authorization' };
    case 'not_found':
      return { status: 404, message: error.message };
    case 'custom_attributes_limit': {
      const field = CUSTOM_ATTRIBUTES_FIELD[error.holder];
      return { status: 400, message: `${field}: ${error.message}`, field };
    }
    case 'identity_conflict':
      return { status: 403, message: error.message, field: 'identity.user_id' };
    case 'identity_unproven':
      return { status: 401, message: error.message, field: `identity.${error.proof}` };
  }
}

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/events/0/name` in the body → `body.events.0.name`; an unknown property is named too. */
function describeValidation(context: string | undefined, issue: ValidationIssue): { field: string; message: string } {
  const path = (issue.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = issue.params?.additionalProperties ?? issue.params?.additionalProperty;
  // TypeBox reports an unknown property as a `false` schema at the property's own path.
  const unknownField = issue.message === 'schema is false';
  if ((issue.keyword === 'additionalProperties' && extra !== undefined) || unknownField) {
    if (!unknownField) path.push(String((Array.isArray(extra) ? extra : [extra])[0]));
    const field = [context ?? 'body', ...path].join('.');
    return { field, message: `${field}: unknown field (not allowed here)` };
  }
  const missing = issue.params?.requiredProperties ?? issue.params?.missingProperty;
  if (issue.keyword === 'required' && missing !== undefined) {
    const names = Array.isArray(missing) ? missing : [missing];
    path.push(String(names[0]));
    const field = [context ?? 'body', ...path].join('.');
    return { field, message: `${field}: is required` };
  }
  const field = [context ?? 'body', ...path].join('.');
  return { field, message: `${field}: ${issue.message ?? 'is invalid'}` };
}

/** The longest path parameter the router accepts (Fastify's `maxParamLength`); longer is a 414. */
export const MAX_PARAM_LENGTH = 256;

const OVERLONG_SEGMENT = `a path segment is longer than the ${MAX_PARAM_LENGTH} characters any parameter may have`;

/**
 * The router answers 414 only where a parameter would take the segment; anywhere else (a path no
 * route has) it would be a 404. Every overlong segment is a 414, as API.md promises.
 */
export async function refuseOverlongSegment(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0] ?? '';
  if (path.length > MAX_PARAM_LENGTH && path.split('/').some((segment) => segment.length > MAX_PARAM_LENGTH)) {
    return reply.status(414).send(errorBody(414, OVERLONG_SEGMENT, 'url'));
  }
}

/** Errors Fastify raises before routing (Fastify's `frameworkErrors` option). */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return reply
        .status(400)
        .send(errorBody(400, `the URL's path has a malformed percent-encoding: ${request.url.split('?')[0]}`, 'url'));
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return reply.status(414).send(errorBody(414, OVERLONG_SEGMENT, 'url'));
  }
  return errorHandler(error, request, reply);
}

/** Malformed HTTP, headers too large, a request that took too long (Fastify's `clientErrorHandler`). */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, "the request's headers are larger than the server accepts"]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time']
        : [400, `the request is not well-formed HTTP (${error.code ?? error.message})`];
  const body = JSON.stringify(errorBody(status, message));
  // As Node's own handler: never write into a response already under way on this connection.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (socket.writable && !inFlight) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // The rest of the connection cannot be parsed: close it once the answer is out.
  socket.destroySoon();
}

export function errorHandler(
  error: FastifyError & { validationContext?: string },
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    return reply.status(error.status).send(errorBody(error.status, error.message, error.field));
  }
  if (error instanceof DomainError) {
    const { status, message, field } = httpAnswerOf(error as AnyDomainError);
    return reply.status(status).send(errorBody(status, message, field));
  }
  if (error.validation && error.validation.length > 0) {
    const { field, message } = describeValidation(error.validationContext, error.validation[0] as ValidationIssue);
    return reply.status(400).send(errorBody(400, message, field));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply
        .status(413)
        .send(
          errorBody(413, `the body is larger than the ${request.routeOptions.bodyLimit ?? 0} bytes this route accepts`),
        );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply
        .status(415)
        .send(
          errorBody(
            415,
            `content-type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted: send application/json`,
          ),
        );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return reply.status(400).send(errorBody(400, 'the body is empty: send a JSON object', 'body'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply.status(400).send(errorBody(400, `the body is not valid JSON: ${error.message}`, 'body'));
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return reply.status(400).send(errorBody(400, `the body is not valid JSON: ${error.message}`, 'body'));
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.status(error.statusCode).send(errorBody(error.statusCode, error.message));
  }
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send(errorBody(500, 'the server failed to handle this request; it was not applied'));
}
