// One conversation's thread as the team sees it: messages and notes in order, whether the visitor
// has seen the team's last message, and who is typing. Kept current by the team stream.
import { messageOf } from './conversation-list.svelte';
import type { ConversationsApi } from './conversations-api';
import { isCurrent, withChange } from './list-model';
import type { TeamConversation, TeamStreamEvent, ThreadEntry } from './types';

/** How long a typing notice stays without a new one (the messenger sends one every 3 s). */
export const TYPING_SHOWN_MS = 5_000;

/**
 * A visitor's typing notice heard this soon after their message is the message's own, overtaken
 * on the way (typing and messages travel apart: no order between them is promised). Dropping a
 * fresh one costs little: the messenger repeats it while its visitor types.
 */
export const TYPING_OVERTAKEN_MS = 1_000;

export interface Typist {
  key: string;
  name?: string;
  until: number;
}

export class ConversationThread {
  conversation = $state<TeamConversation | undefined>(undefined);
  entries = $state<ThreadEntry[]>([]);
  loading = $state(false);
  error = $state<string | undefined>(undefined);
  /** The visitor read the team's messages up to this time (epoch ms). */
  visitorReadAt = $state<number | undefined>(undefined);
  /** Who types now: the visitor (`person`) and other teammates, each until a time. */
  typists = $state<Typist[]>([]);

  /** The team's latest message, when the visitor has seen it. */
  readonly seenMessageId = $derived.by(() => {
    const lastTeam = lastTeamMessage(this.entries);
    if (!lastTeam) return undefined;
    return this.visitorReadAt !== undefined && this.visitorReadAt >= lastTeam.created_at ? lastTeam.id : undefined;
  });

  #pending: TeamStreamEvent[] | undefined;
  /** When the visitor's latest message was heard (this.now()). */
  #visitorWroteAt: number | undefined;

  constructor(
    private readonly api: ConversationsApi,
    readonly conversationId: string,
    readonly me: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads every page (oldest first) of the thread. */
  async load(): Promise<void> {
    this.#pending = [];
    this.loading = true;
    this.error = undefined;
    try {
      let cursor: string | undefined;
      const entries: ThreadEntry[] = [];
      let conversation: TeamConversation;
      do {
        const page = await this.api.thread(this.conversationId, cursor);
        conversation = page.conversation;
        entries.push(...page.thread);
        cursor = page.next_cursor;
      } while (cursor);
      this.conversation = conversation;
      this.entries = entries;
      // Nothing of the team's unread by the visitor: they have seen the team's last message.
      const lastTeam = lastTeamMessage(entries);
      if (conversation.unread_count === 0 && lastTeam) this.visitorReadAt = lastTeam.created_at;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
      const pending = this.#pending;
      this.#pending = undefined;
      for (const event of pending ?? []) this.apply(event);
    }
  }

  /** Adds an entry the inbox itself wrote (its answer may arrive before or after the stream's event). */
  add(entry: ThreadEntry): void {
    if (this.entries.some((known) => known.id === entry.id && known.kind === entry.kind)) return;
    let index = this.entries.length - 1;
    while (index >= 0 && comesAfter(this.entries[index]!, entry)) index--;
    this.entries = [...this.entries.slice(0, index + 1), entry, ...this.entries.slice(index + 1)];
  }

  /** An answer about this conversation; one older than what the thread shows changes nothing. */
  update(conversation: TeamConversation): void {
    if (conversation.id !== this.conversationId || !isCurrent(conversation, this.conversation)) return;
    this.conversation = conversation;
  }

  apply(event: TeamStreamEvent): void {
    if (!('conversation_id' in event) || event.conversation_id !== this.conversationId) return;
    if (this.#pending) {
      this.#pending.push(event);
      return;
    }
    switch (event.type) {
      case 'message':
        this.add({ kind: 'message', ...event.message });
        // What they were typing has arrived: their typing line goes at once.
        if (event.message.author === 'person') {
          this.#visitorWroteAt = this.now();
          this.#stopTyping('person');
        } else if (event.teammate_id) this.#stopTyping(`teammate:${event.teammate_id}`);
        break;
      case 'note':
        this.add({ kind: 'note', ...event.note });
        this.#stopTyping(`teammate:${event.note.author_id}`);
        break;
      case 'state':
      case 'assignment':
        if (this.conversation) this.conversation = withChange(this.conversation, event);
        break;
      case 'read':
        if (event.reader === 'person') this.visitorReadAt = Math.max(this.visitorReadAt ?? 0, event.read_at);
        break;
      case 'typing':
        if (event.author === 'person') {
          if (this.#visitorWroteAt === undefined || this.now() - this.#visitorWroteAt >= TYPING_OVERTAKEN_MS)
            this.#typing('person', undefined);
        } else if (event.teammate_id !== this.me) this.#typing(`teammate:${event.teammate_id}`, event.author_name);
        break;
    }
  }

  /** Drops typing notices that have run out; the screen calls it on a timer. */
  expireTyping(): void {
    const at = this.now();
    if (this.typists.some((typist) => typist.until <= at))
      this.typists = this.typists.filter((typist) => typist.until > at);
  }

  #typing(key: string, name: string | undefined): void {
    const typist: Typist = { key, until: this.now() + TYPING_SHOWN_MS, ...(name !== undefined ? { name } : {}) };
    this.typists = [...this.typists.filter((known) => known.key !== key), typist];
  }

  #stopTyping(key: string): void {
    this.typists = this.typists.filter((typist) => typist.key !== key);
  }
}

/** The server's thread order: by time, and at equal times messages before notes. */
function comesAfter(a: ThreadEntry, b: ThreadEntry): boolean {
  if (a.created_at !== b.created_at) return a.created_at > b.created_at;
  return a.kind === 'note' && b.kind === 'message';
}

function lastTeamMessage(entries: ThreadEntry[]): ThreadEntry | undefined {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.kind === 'message' && entry.author === 'team') return entry;
  }
  return undefined;
}
