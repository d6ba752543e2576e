// The conversation list's first page, asked for beside GET /api/v1/me when the inbox opens on an
// app's URL: the two round trips overlap instead of following each other (bench/inbox-load). Only
// in a browser that has signed in before (it remembers an app), so a stranger's visit asks for /me
// alone. The answer is held, never shown: the list takes it when its screen mounts, which happens
// only once /me has said who is signed in; whatever is not taken then is dropped.
import { api } from '../api/client';
import { LIST_PAGE_SIZE } from './conversation-list.svelte';
import { type ApiRequest, ConversationsApi, type ListQuery } from './conversations-api';

/** The list a conversations screen opens on. */
export const FIRST_QUERY: ListQuery = { assignee: 'all', state: 'open' };

let held: { path: string; answer: Promise<unknown> } | undefined;

export function prefetchFirstPage(appId: string): void {
  const holding: ApiRequest = <T>(method: string, path: string) => {
    const answer = api<T>(method, path);
    held = { path, answer };
    return answer;
  };
  // A failure is met by the screen's own request, if the screen comes at all.
  new ConversationsApi(holding, appId).list(FIRST_QUERY, undefined, LIST_PAGE_SIZE).catch(() => {});
}

/** Forgets an answer nobody took (signed out, or another screen came first). */
export function dropFirstPage(): void {
  held = undefined;
}

/** `request`, except that the first GET of the held path is answered by the held answer. */
export function withFirstPage(request: ApiRequest): ApiRequest {
  return <T>(method: string, path: string, body?: unknown): Promise<T> => {
    if (held && held.path === path && method === 'GET' && body === undefined) {
      const { answer } = held;
      held = undefined;
      return (answer as Promise<T>).catch(() => request<T>(method, path, body));
    }
    return request<T>(method, path, body);
  };
}
