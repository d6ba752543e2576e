// The list column with 10,000 conversations: only a screenful of rows (and a margin) is in the
// DOM, whichever part of the list is scrolled to, and the rows shown are the right ones.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import ConversationListPane from '../../src/conversations/ConversationListPane.svelte';
import { ConversationList } from '../../src/conversations/conversation-list.svelte';
import { ConversationsApi } from '../../src/conversations/conversations-api';
import { SearchState } from '../../src/conversations/search.svelte';
import type { TeamConversation } from '../../src/conversations/types';

let component: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  document.body.innerHTML = '';
});

const refuse = async () => {
  throw new Error('no server in this test: the list is given its rows');
};

function conversations(count: number): TeamConversation[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `c${String(index).padStart(5, '0')}`,
    state: 'open' as const,
    created_at: 0,
    updated_at: 0,
    activity_at: 1_000_000 - index,
    unread_count: 0,
    assignee_id: null,
    unread: index % 3 === 0,
    contact: { id: `p${index}`, role: 'lead' as const, name: `Visitor number ${index}` },
  }));
}

describe('the windowed list', () => {
  it('keeps a screenful of 10,000 rows in the DOM, the right ones after a scroll', () => {
    const api = new ConversationsApi(refuse, 'acme');
    const list = new ConversationList(api, { assignee: 'all', state: 'open' }, 'me');
    list.items = conversations(10_000);
    const target = document.createElement('div');
    document.body.append(target);
    component = mount(ConversationListPane, {
      target,
      props: {
        appId: 'acme',
        list,
        search: new SearchState(api),
        assignee: 'all',
        stateFilter: 'open',
        searchText: '',
        activeId: undefined,
        selectedId: undefined,
        now: 1_000_000,
        onopen: () => {},
      },
    });
    flushSync();
    const rendered = () => [...document.querySelectorAll<HTMLElement>('[data-conversation-id]')];
    expect(rendered().length).toBeGreaterThan(0);
    expect(rendered().length).toBeLessThan(60);
    expect(rendered()[0]!.textContent).toContain('Visitor number 0');

    const scroller = document.querySelector<HTMLElement>('[data-testid="conversation-scroller"]')!;
    scroller.scrollTop = 5_000 * 64;
    scroller.dispatchEvent(new Event('scroll'));
    flushSync();
    const ids = rendered().map((row) => row.dataset.conversationId);
    expect(ids.length).toBeLessThan(60);
    expect(ids).toContain('c05000');
    expect(ids).not.toContain('c00000');
  });
});
