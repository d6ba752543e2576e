// The conversation list of one filter: pages read from the server by cursor, kept current by the
// team stream's events. A new filter is a new list.
import type { ConversationsApi, ListQuery } from './conversations-api';
import { appendPage, applyEvent, isCurrent, type ListContext, upsert } from './list-model';
import type { TeamConversation, TeamStreamEvent } from './types';

export const LIST_PAGE_SIZE = 50;

export class ConversationList {
  items = $state<TeamConversation[]>([]);
  nextCursor = $state<string | undefined>(undefined);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | undefined>(undefined);
  readonly unreadCount = $derived(this.items.reduce((count, item) => count + (item.unread ? 1 : 0), 0));

  // Events that arrive while the first page loads, applied once it is in.
  #pending: TeamStreamEvent[] | undefined;
  // The latest refetch asked for each conversation: an older answer arriving late is dropped.
  readonly #refetches = new Map<string, number>();
  #refetchCount = 0;
  readonly #inflight = new Set<Promise<void>>();

  constructor(
    private readonly api: ConversationsApi,
    readonly query: ListQuery,
    readonly me: string,
    private readonly pageSize = LIST_PAGE_SIZE,
  ) {}

  get #context(): ListContext {
    return { me: this.me, query: this.query, hasMore: this.nextCursor !== undefined };
  }

  find(id: string): TeamConversation | undefined {
    return this.items.find((item) => item.id === id);
  }

  async load(): Promise<void> {
    this.#pending = [];
    this.loading = true;
    this.error = undefined;
    try {
      const page = await this.api.list(this.query, undefined, this.pageSize);
      this.items = page.conversations;
      this.nextCursor = page.next_cursor;
      this.loaded = true;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
      const pending = this.#pending;
      this.#pending = undefined;
      for (const event of pending ?? []) this.apply(event);
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.nextCursor === undefined) return;
    this.loading = true;
    try {
      const page = await this.api.list(this.query, this.nextCursor, this.pageSize);
      this.items = appendPage(this.items, page.conversations);
      this.nextCursor = page.next_cursor;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  apply(event: TeamStreamEvent): void {
    if (this.#pending) {
      this.#pending.push(event);
      return;
    }
    const change = applyEvent(this.items, event, this.#context);
    this.items = change.items;
    if (change.refetch) void this.refetch(change.refetch);
  }

  /**
   * Puts a conversation the inbox just changed (an action's answer) in its place, unless the list
   * already shows something newer of it.
   */
  put(conversation: TeamConversation): void {
    if (!isCurrent(conversation, this.find(conversation.id))) return;
    this.items = upsert(this.items, conversation, this.#context);
  }

  refetch(id: string): Promise<void> {
    const work = this.#refetch(id);
    this.#inflight.add(work);
    void work.finally(() => this.#inflight.delete(work));
    return work;
  }

  async #refetch(id: string): Promise<void> {
    const ticket = ++this.#refetchCount;
    this.#refetches.set(id, ticket);
    try {
      const { conversation } = await this.api.thread(id, undefined, 1);
      if (this.#refetches.get(id) !== ticket) return;
      this.put(conversation);
    } catch {
      // Gone or unreachable: the list keeps what it showed; the next event or reload corrects it.
    } finally {
      if (this.#refetches.get(id) === ticket) this.#refetches.delete(id);
    }
  }

  /** Resolves once every refetch asked so far has answered (tests and the screen's first paint). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
