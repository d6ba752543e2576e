// The composer's sends: each reply or note is on its way until the server stores it; one that
// fails stays, with its words and the reason, until the teammate retries or takes it back. A retry
// sends the client id of the first attempt: if that one was stored and only its answer was lost,
// the server answers with it instead of storing it twice.
import { newClientId } from './client-id';
import type { ConversationsApi } from './conversations-api';
import type { ComposerMode } from './drafts';
import type { ThreadEntry } from './types';

export interface Outgoing {
  localId: string;
  /** Made once for this send; every retry carries it. */
  clientId: string;
  conversationId: string;
  mode: ComposerMode;
  body: string;
  status: 'sending' | 'failed';
  error?: string;
}

let made = 0;

export class Outbox {
  items = $state<Outgoing[]>([]);

  constructor(
    private readonly api: ConversationsApi,
    /** Hears each stored entry, to show it in the thread before the stream's event arrives. */
    private readonly sent: (conversationId: string, entry: ThreadEntry) => void,
  ) {}

  of(conversationId: string): Outgoing[] {
    return this.items.filter((item) => item.conversationId === conversationId);
  }

  send(conversationId: string, mode: ComposerMode, body: string): Promise<boolean> {
    const item: Outgoing = {
      localId: `local-${++made}`,
      clientId: newClientId(),
      conversationId,
      mode,
      body,
      status: 'sending',
    };
    this.items = [...this.items, item];
    return this.#deliver(item.localId);
  }

  retry(localId: string): Promise<boolean> {
    const item = this.items.find((known) => known.localId === localId);
    if (item?.status !== 'failed') return Promise.resolve(false);
    this.#set(localId, { status: 'sending', error: undefined });
    return this.#deliver(localId);
  }

  /**
   * The team stream brought the entry a send of ours stored (its event names our client id): that
   * send is done, even when its own answer was lost on the way.
   */
  landed(clientId: string): void {
    if (this.items.some((item) => item.clientId === clientId))
      this.items = this.items.filter((item) => item.clientId !== clientId);
  }

  /** Removes a failed send and hands back its words (to put them in the composer again). */
  takeBack(localId: string): Outgoing | undefined {
    const item = this.items.find((known) => known.localId === localId);
    if (item?.status !== 'failed') return undefined;
    this.items = this.items.filter((known) => known.localId !== localId);
    return item;
  }

  async #deliver(localId: string): Promise<boolean> {
    const item = this.items.find((known) => known.localId === localId);
    if (!item) return false;
    try {
      const entry: ThreadEntry =
        item.mode === 'note'
          ? { kind: 'note', ...(await this.api.note(item.conversationId, item.body, item.clientId)) }
          : { kind: 'message', ...(await this.api.reply(item.conversationId, item.body, item.clientId)) };
      this.items = this.items.filter((known) => known.localId !== localId);
      this.sent(item.conversationId, entry);
      return true;
    } catch (error) {
      this.#set(localId, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }

  #set(localId: string, change: Partial<Outgoing>): void {
    this.items = this.items.map((known) => {
      if (known.localId !== localId) return known;
      const next = { ...known, ...change };
      if (next.error === undefined) delete next.error;
      return next;
    });
  }
}
