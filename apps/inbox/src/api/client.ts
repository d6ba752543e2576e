// The one way the inbox talks to the server: same-origin JSON with the session cookie. Errors come
// back as ApiError carrying the server's `{ error: { code, message, field } }`; a 401 anywhere
// means the session ended, so the session is told and the app shows the login page.
import { session } from '../session.svelte';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `/api/v1/apps/<appId>/<rest>`, the app id encoded. */
export function teamPath(appId: string, rest: string): string {
  return `/api/v1/apps/${encodeURIComponent(appId)}/${rest.replace(/^\//, '')}`;
}

interface ErrorShape {
  error?: { code?: unknown; message?: unknown; field?: unknown };
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: ErrorShape | undefined;
  try {
    body = (await response.json()) as ErrorShape;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  return new ApiError(
    response.status,
    typeof error?.code === 'string' ? error.code : 'http_error',
    typeof error?.message === 'string' ? error.message : `${response.status} ${response.statusText}`.trim(),
    typeof error?.field === 'string' ? error.field : undefined,
  );
}

/** Calls the API; resolves with the parsed JSON (undefined for a 204), rejects with ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached: check your connection and try again.');
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401) session.signedOut();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
