// JSON over HTTP from Node, straight to the real test server: what a visitor's browser or a script
// sends, apart from the page under test (whose fetch carries the teammate's cookies).
import { inboxServer, nodeFetch } from '../real-server';

export interface NodeAnswer {
  status: number;
  body: unknown;
  setCookies: string[];
}

export async function nodeJson(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<NodeAnswer> {
  const answer = await nodeFetch(`${inboxServer().url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: answer.status, body: parsed, setCookies: answer.setCookies };
}

/** Signs in from Node (another browser): answers that session's `confab_session=…` cookie. */
export async function nodeSignIn(email: string, password: string, userAgent = 'Other browser/1.0'): Promise<string> {
  const answer = await nodeJson('POST', '/api/v1/auth/login', { email, password }, undefined, {
    'user-agent': userAgent,
  });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.setCookies[0]!.split(';')[0]!;
}
