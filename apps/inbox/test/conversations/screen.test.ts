// The conversations screen in the inbox, signed in against the real server: the list, opening a
// conversation (read for this teammate), the thread with notes set apart, the composer (Enter
// sends, Shift+Enter does not; a send whose answer was lost is shown once), live events from another
// teammate and the visitor, the keyboard.
import { beforeAll, describe, expect, it } from 'vitest';
import { useEventSourceFactory } from '../../src/api/team-stream';
import { session } from '../../src/session.svelte';
import { byText, type, waitFor } from '../dom';
import { openInbox, remountInbox } from '../mount-inbox';
import { NodeEventSource } from '../node-event-source';
import { openPage } from '../real-server';
import {
  addSavedReply,
  addTeammate,
  addVisitor,
  openStream,
  type RealServer,
  realServer,
  type Teammate,
} from './real-server';

let real: RealServer;
let ann: Teammate;
let bob: Teammate;

beforeAll(async () => {
  real = realServer();
  ann = await addTeammate(real, 'agent', 'Ann Agent');
  bob = await addTeammate(real, 'agent', 'Bob Builder');
  // The page's stream is Ann's: an API token of hers on the real team stream.
  useEventSourceFactory(
    (url) =>
      new NodeEventSource(`${real.url}${url}`, { authorization: `Bearer ${ann.token}` }) as unknown as EventSource,
  );
});

/** Ann signed in (her session cookie in the page), then the inbox opened at `path`. */
async function start(path: string) {
  openPage(path);
  await session.signIn(ann.email, ann.password);
  openInbox(path);
}

const row = (id: string) => document.querySelector<HTMLAnchorElement>(`a[data-conversation-id="${id}"]`);
const entries = () =>
  [...document.querySelectorAll<HTMLElement>('article[data-kind]')].map(
    (entry) => `${entry.dataset.kind}:${entry.querySelector('.body')?.textContent}`,
  );
const key = (k: string, target: EventTarget = document.body) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

/** Polls the server until `check` holds: an action's request is on its way when the click returns. */
async function serverSays(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the server: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the conversations screen', () => {
  it('lists, opens and reads a conversation; replies with Enter; shows a note apart; hears the visitor live', async () => {
    const visitor = await addVisitor(real, 'Grace Hopper');
    const id = await visitor.start('My order <img src=x onerror="window.hacked=1"> never came');
    await bob.api.note(id, 'Refund approved by finance');
    await start('/inbox/acme');

    const listed = await waitFor(() => row(id), 'the conversation in the list');
    expect(listed.textContent).toContain('Grace Hopper');
    expect(listed.classList.contains('unread')).toBe(true);

    listed.click();
    await waitFor(() => entries().length === 2, 'the thread');
    expect(entries()).toEqual([
      'message:My order <img src=x onerror="window.hacked=1"> never came',
      'note:Refund approved by finance',
    ]);
    expect(document.querySelector('article img')).toBeNull();
    expect(byText('article[data-kind="note"]', 'Internal note')?.textContent).toContain('Bob Builder');
    // Opened: read for Ann on the server, and no longer marked in her list.
    await waitFor(() => !row(id)?.classList.contains('unread'), 'the row read');
    expect((await ann.api.thread(id)).conversation.unread).toBe(false);

    const textarea = await waitFor(() => document.querySelector<HTMLTextAreaElement>('textarea'), 'the composer');
    type(textarea, 'First line');
    textarea.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true, cancelable: true }),
    );
    expect((await ann.api.thread(id)).thread).toHaveLength(2);
    type(textarea, 'We are on it, Grace.');
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await waitFor(() => entries().includes('message:We are on it, Grace.'), 'the reply in the thread');
    const stored = (await ann.api.thread(id)).thread;
    expect(stored.at(-1)).toMatchObject({
      kind: 'message',
      author: 'team',
      body: 'We are on it, Grace.',
      author_name: 'Ann Agent',
    });
    expect(textarea.value).toBe('');

    await visitor.write(id, 'Thank you!');
    await waitFor(() => entries().includes('message:Thank you!'), "the visitor's message, live");
    expect(entries().filter((entry) => entry === 'message:We are on it, Grace.')).toHaveLength(1);
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
  });

  it('shows the visitor typing, and the line goes in the same moment their message shows', async () => {
    const visitor = await addVisitor(real, 'Typing Tom');
    const id = await visitor.start('Hello');
    await start(`/inbox/acme/conversations/${id}`);
    await waitFor(() => entries().includes('message:Hello'), 'the thread');
    const typingLine = () => document.querySelector('[data-testid="typing"]');
    await visitor.typing(id);
    await waitFor(() => typingLine(), 'the typing line');
    expect(typingLine()?.textContent).toBe('Typing Tom is typing…');
    await visitor.write(id, 'Here is my order number');
    await waitFor(() => entries().includes('message:Here is my order number'), "the visitor's message");
    expect(typingLine()).toBeNull();
  });

  it('keeps a draft per conversation across a reload, and writes a note in note mode', async () => {
    const visitor = await addVisitor(real, 'Drafty');
    const id = await visitor.start('Question');
    await start(`/inbox/acme/conversations/${id}`);
    const textarea = await waitFor(() => document.querySelector<HTMLTextAreaElement>('textarea'), 'the composer');
    type(textarea, 'half a thought');
    remountInbox();
    const again = await waitFor(() => document.querySelector<HTMLTextAreaElement>('textarea'), 'the composer again');
    await waitFor(() => again.value === 'half a thought', 'the draft back');

    key('n');
    await waitFor(() => byText('button[aria-pressed="true"]', 'Note'), 'note mode');
    type(again, 'Only teammates see this');
    again.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await waitFor(() => entries().includes('note:Only teammates see this'), 'the note');
    expect((await bob.api.thread(id)).thread.at(-1)).toMatchObject({ kind: 'note', author_name: 'Ann Agent' });
  });

  it('moves with j/k, opens with Enter, assigns with a and closes with e', async () => {
    const visitor = await addVisitor(real, 'Keyboard Kim');
    const first = await visitor.start('one');
    const second = await visitor.start('two');
    await start('/inbox/acme');
    await waitFor(() => row(first) && row(second), 'both rows');
    key('j');
    key('j');
    await waitFor(() => row(first)?.classList.contains('selected'), 'the second row selected');
    key('k');
    await waitFor(() => row(second)?.classList.contains('selected'), 'the first row selected');
    key('Enter');
    await waitFor(() => location.pathname.endsWith(`/conversations/${second}`), 'the conversation open');
    await waitFor(() => byText('button', 'Assign to me'), 'the actions');
    key('a');
    await waitFor(() => !byText('button', 'Assign to me'), 'assigned to Ann on screen');
    expect((await ann.api.thread(second)).conversation.assignee_id).toBe(ann.id);
    key('e');
    await waitFor(() => byText('button', 'Reopen'), 'closed on screen');
    expect((await ann.api.thread(second)).conversation.state).toBe('closed');
  });

  it('searches on the server from the search box, which / focuses', async () => {
    const word = `zebra${Date.now()}`;
    const visitor = await addVisitor(real, 'Searcher');
    const found = await visitor.start(`Where is my ${word} parcel?`);
    const other = await visitor.start('Something else entirely');
    await start('/inbox/acme');
    await waitFor(() => row(found) && row(other), 'both rows');
    key('/');
    const search = document.querySelector<HTMLInputElement>('#conversation-search')!;
    expect(document.activeElement).toBe(search);
    type(search, word.slice(0, -2));
    await waitFor(() => row(found) && !row(other), 'only the match', 10_000);
    type(search, '');
    await waitFor(() => row(found) && row(other), 'the list again');
  });

  it('inserts a saved reply, assigns to a teammate, snoozes; the title counts unread; typing reaches the team', async () => {
    const title = `Shipping ${Date.now()}`;
    await addSavedReply(real, title, 'Parcels ship within 2 working days.');
    const visitor = await addVisitor(real, 'Options');
    const id = await visitor.start('When does it ship?');
    const bobStream = await openStream(real, bob.token);
    await start(`/inbox/acme/conversations/${id}`);
    await waitFor(() => /^\(\d+\) /.test(document.title), 'the unread count in the title');

    const textarea = await waitFor(() => document.querySelector<HTMLTextAreaElement>('textarea'), 'the composer');
    type(textarea, 'Hi! ');
    await bobStream.next((event) => event.type === 'typing' && event.conversation_id === id && event.author === 'team');
    byText('button', 'Saved replies')!.click();
    const filter = await waitFor(() => document.querySelector<HTMLInputElement>('#saved-reply-filter'), 'the picker');
    type(filter, title.toLowerCase());
    (await waitFor(() => byText('.picker button', title), 'the saved reply')).click();
    await waitFor(() => textarea.value === 'Hi! Parcels ship within 2 working days.', 'the body inserted');

    const assignee = await waitFor(
      () => document.querySelector<HTMLSelectElement>(`#assignee-${id}`),
      'the assignee menu',
    );
    await waitFor(
      () => [...assignee.options].some((option) => option.value === bob.id),
      "Bob among the app's teammates",
    );
    assignee.value = bob.id;
    assignee.dispatchEvent(new Event('change', { bubbles: true }));
    await serverSays(async () => (await ann.api.thread(id)).conversation.assignee_id === bob.id, 'assigned to Bob');

    const snooze = document.querySelector<HTMLSelectElement>(`#snooze-${id}`)!;
    snooze.value = 'tomorrow';
    snooze.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => byText('option', 'Snoozed until'), 'snoozed on screen');
    await serverSays(async () => (await ann.api.thread(id)).conversation.state === 'snoozed', 'snoozed');
    const snoozed = (await ann.api.thread(id)).conversation;
    expect(snoozed.state).toBe('snoozed');
    expect(new Date(snoozed.snoozed_until!).getHours()).toBe(9);
    bobStream.close();
  });

  it('a reply whose answer was lost is shown and stored once: the stream says it landed, no Retry is left', async () => {
    const visitor = await addVisitor(real, 'Lost Answer');
    const id = await visitor.start('Hi');
    await start(`/inbox/acme/conversations/${id}`);
    const textarea = await waitFor(() => document.querySelector<HTMLTextAreaElement>('textarea'), 'the composer');
    await waitFor(() => entries().length === 1, 'the thread');
    // The page's fetch carries the first reply to the server, which stores it; then the
    // connection drops before the answer is read, as when a network goes away mid-request.
    const pageFetch = globalThis.fetch;
    let answersLost = 0;
    globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await pageFetch(input, init);
      if (answersLost === 0 && String(input).endsWith('/reply')) {
        answersLost++;
        throw new TypeError('Failed to fetch');
      }
      return response;
    };
    try {
      type(textarea, 'Did this arrive?');
      textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      await waitFor(() => answersLost === 1, 'the answer lost');
      // Its message event on the team stream names the send's client id: the send is done.
      await waitFor(
        () => entries().includes('message:Did this arrive?') && document.querySelector('.failed') === null,
        'the reply in the thread, with no "Not sent" line',
      );
    } finally {
      globalThis.fetch = pageFetch;
    }
    await visitor.write(id, 'Yes, once');
    await waitFor(() => entries().includes('message:Yes, once'), "the visitor's answer, live");
    expect(entries()).toEqual(['message:Hi', 'message:Did this arrive?', 'message:Yes, once']);
    expect((await ann.api.thread(id)).thread.map((entry) => entry.body)).toEqual([
      'Hi',
      'Did this arrive?',
      'Yes, once',
    ]);
  });

  it('keeps a reply the server refuses, with its reason, until the teammate takes it back to edit', async () => {
    const visitor = await addVisitor(real, 'Refused');
    const id = await visitor.start('Hi');
    await start(`/inbox/acme/conversations/${id}`);
    const textarea = await waitFor(() => document.querySelector<HTMLTextAreaElement>('textarea'), 'the composer');
    await waitFor(() => entries().length === 1, 'the thread');
    const tooLong = 'x'.repeat(100_000);
    type(textarea, tooLong);
    textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    const failed = await waitFor(
      () => document.querySelector<HTMLElement>('.failed[data-status="failed"]'),
      'the failed send',
    );
    expect(failed.getAttribute('role')).toBe('alert');
    expect(failed.textContent).toMatch(/Not sent: .*body/);
    expect(textarea.value).toBe('');
    byText('.failed button', 'Edit')!.click();
    await waitFor(() => textarea.value === tooLong, 'the words back in the composer');
    expect(document.querySelector('.failed')).toBeNull();
    expect((await ann.api.thread(id)).thread).toHaveLength(1);
  });
});
