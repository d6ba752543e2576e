// The team API's conversation routes for one app (packages/server/API.md, "Team API").
// `request` is the inbox's api() (same-origin, cookie); tests hand in one that reaches a real server.
import type {
  ConversationState,
  Message,
  Note,
  SavedReply,
  SearchResult,
  TeamConversation,
  ThreadEntry,
} from './types';

export type ApiRequest = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export type AssigneeFilter = 'mine' | 'unassigned' | 'all';

export interface ListQuery {
  state?: ConversationState;
  assignee: AssigneeFilter;
}

export interface ConversationPage {
  conversations: TeamConversation[];
  next_cursor?: string;
}

export interface ThreadPage {
  conversation: TeamConversation;
  thread: ThreadEntry[];
  next_cursor?: string;
}

export interface SearchPage {
  results: SearchResult[];
  next_cursor: string | null;
}

const SERVER_ASSIGNEE: Record<AssigneeFilter, string> = { mine: 'me', unassigned: 'unassigned', all: 'all' };

function queryString(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class ConversationsApi {
  readonly #request: ApiRequest;
  readonly #base: string;

  constructor(
    request: ApiRequest,
    readonly appId: string,
  ) {
    this.#request = request;
    this.#base = `/api/v1/apps/${encodeURIComponent(appId)}`;
  }

  #conversation(id: string, rest = ''): string {
    return `${this.#base}/conversations/${encodeURIComponent(id)}${rest}`;
  }

  list(query: ListQuery, cursor?: string, limit?: number): Promise<ConversationPage> {
    const parameters = { state: query.state, assignee: SERVER_ASSIGNEE[query.assignee], cursor, limit };
    return this.#request('GET', `${this.#base}/conversations${queryString(parameters)}`);
  }

  thread(id: string, cursor?: string, limit?: number): Promise<ThreadPage> {
    return this.#request('GET', this.#conversation(id, queryString({ cursor, limit })));
  }

  /** `clientId`: made once per reply and sent again by each retry, which the server then answers without writing. */
  reply(id: string, body: string, clientId?: string): Promise<Message> {
    return this.#request('POST', this.#conversation(id, '/reply'), { body, client_id: clientId });
  }

  /** `clientId`: as for reply. */
  note(id: string, body: string, clientId?: string): Promise<Note> {
    return this.#request('POST', this.#conversation(id, '/notes'), { body, client_id: clientId });
  }

  setState(id: string, state: ConversationState, snoozedUntil?: number): Promise<TeamConversation> {
    const body = state === 'snoozed' ? { state, snoozed_until: snoozedUntil } : { state };
    return this.#request('POST', this.#conversation(id, '/state'), body);
  }

  assign(id: string, assigneeId: string | null): Promise<TeamConversation> {
    return this.#request('POST', this.#conversation(id, '/assign'), { assignee_id: assigneeId });
  }

  markRead(id: string): Promise<TeamConversation> {
    return this.#request('POST', this.#conversation(id, '/read'));
  }

  typing(id: string): Promise<void> {
    return this.#request('POST', this.#conversation(id, '/typing'));
  }

  async savedReplies(): Promise<SavedReply[]> {
    const replies: SavedReply[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#request<{ saved_replies: SavedReply[]; next_cursor?: string }>(
        'GET',
        `${this.#base}/saved_replies${queryString({ cursor, limit: 100 })}`,
      );
      replies.push(...page.saved_replies);
      cursor = page.next_cursor;
    } while (cursor);
    return replies;
  }

  search(q: string, query: ListQuery, cursor?: string): Promise<SearchPage> {
    const parameters = { q, state: query.state, assignee: SERVER_ASSIGNEE[query.assignee], cursor };
    return this.#request('GET', `${this.#base}/search${queryString(parameters)}`);
  }
}
