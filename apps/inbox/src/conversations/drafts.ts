// A draft per conversation, kept in localStorage so a reload or a switch of conversation loses no
// words. A storage that refuses (private mode, quota) leaves drafts in memory for the page's life.

export type ComposerMode = 'reply' | 'note';

export interface Draft {
  body: string;
  mode: ComposerMode;
}

const EMPTY: Draft = { body: '', mode: 'reply' };

export class Drafts {
  readonly #memory = new Map<string, Draft>();

  constructor(
    readonly appId: string,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined,
  ) {}

  #key(conversationId: string): string {
    return `confab.inbox.draft:${this.appId}:${conversationId}`;
  }

  get(conversationId: string): Draft {
    const remembered = this.#memory.get(conversationId);
    if (remembered) return remembered;
    try {
      const stored = this.storage?.getItem(this.#key(conversationId));
      if (stored) {
        const parsed: unknown = JSON.parse(stored);
        if (isDraft(parsed)) return parsed;
      }
    } catch {
      // An unreadable or foreign value is no draft.
    }
    return EMPTY;
  }

  set(conversationId: string, draft: Draft): void {
    const empty = draft.body === '' && draft.mode === 'reply';
    if (empty) this.#memory.delete(conversationId);
    else this.#memory.set(conversationId, draft);
    try {
      if (empty) this.storage?.removeItem(this.#key(conversationId));
      else this.storage?.setItem(this.#key(conversationId), JSON.stringify(draft));
    } catch {
      // Kept in memory above.
    }
  }

  clear(conversationId: string, mode: ComposerMode = 'reply'): void {
    this.set(conversationId, { body: '', mode });
  }
}

function isDraft(value: unknown): value is Draft {
  if (typeof value !== 'object' || value === null) return false;
  const { body, mode } = value as Record<string, unknown>;
  return typeof body === 'string' && (mode === 'reply' || mode === 'note');
}
