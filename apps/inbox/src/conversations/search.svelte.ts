// The search box on the server's search (GET /search): the newest answer wins, so a slow answer to
// an earlier query never replaces a later one.
import { messageOf } from './conversation-list.svelte';
import type { ConversationsApi, ListQuery } from './conversations-api';
import type { SearchResult } from './types';

export class SearchState {
  results = $state<SearchResult[]>([]);
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  error = $state<string | undefined>(undefined);
  #text = '';
  #query: ListQuery = { assignee: 'all' };
  #generation = 0;

  constructor(private readonly api: ConversationsApi) {}

  async run(text: string, query: ListQuery): Promise<void> {
    const generation = ++this.#generation;
    this.#text = text.trim();
    this.#query = query;
    if (this.#text === '') {
      this.results = [];
      this.nextCursor = null;
      this.error = undefined;
      this.loading = false;
      return;
    }
    this.loading = true;
    try {
      const page = await this.api.search(this.#text, query);
      if (generation !== this.#generation) return;
      this.results = page.results;
      this.nextCursor = page.next_cursor;
      this.error = undefined;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.results = [];
      this.nextCursor = null;
      this.error = messageOf(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || this.nextCursor === null || this.#text === '') return;
    const generation = this.#generation;
    this.loading = true;
    try {
      const page = await this.api.search(this.#text, this.#query, this.nextCursor);
      if (generation !== this.#generation) return;
      const present = new Set(this.results.map((result) => result.conversation.id));
      this.results = [...this.results, ...page.results.filter((result) => !present.has(result.conversation.id))];
      this.nextCursor = page.next_cursor;
    } catch (error) {
      if (generation === this.#generation) this.error = messageOf(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
