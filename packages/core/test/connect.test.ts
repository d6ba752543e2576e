import { describe, expect, it } from 'vitest';
import { connect, type UiEvent } from '../src';
import { createHarness } from '../src/testing';

async function booted(settings: Record<string, unknown> = {}) {
  const h = createHarness();
  h.Intercom('boot', { app_id: 'acme', user_id: 'u1', name: 'Ada', ...settings });
  await h.clock.settle();
  return h;
}

describe('connect(): the view-model adapters render', () => {
  it('before boot: nothing is visible and the launcher is not drawn', () => {
    const h = createHarness();
    const view = h.view();
    expect(view).toMatchObject({ lifecycle: 'unbooted', booted: false, open: false, view: null, unreadCount: 0 });
    expect(view.launcher.visible).toBe(false);
    expect(view.getPanelProps()).toMatchObject({ hidden: true, 'data-state': 'closed' });
  });

  it('launcher and panel props carry data-part/data-state and the ARIA a screen reader needs', async () => {
    const h = await booted();
    let view = h.view();
    expect(view.getRootProps()).toMatchObject({
      'data-scope': 'confab',
      'data-part': 'root',
      'data-state': 'closed',
      lang: 'en',
    });
    const panelId = view.getPanelProps().id;
    expect(panelId).toMatch(/^confab-/);
    expect(view.getLauncherProps()).toMatchObject({
      'data-part': 'launcher',
      type: 'button',
      'aria-label': 'Open messenger',
      'aria-expanded': false,
      'aria-controls': panelId,
      'aria-haspopup': 'dialog',
    });
    expect(view.getBadgeProps()).toMatchObject({ hidden: true, 'data-state': 'hidden' });

    view.toggle();
    view = h.view();
    expect(view.open).toBe(true);
    expect(view.getLauncherProps()['aria-expanded']).toBe(true);
    expect(view.getPanelProps()).toMatchObject({
      id: panelId,
      role: 'dialog',
      'aria-label': expect.any(String),
      hidden: false,
      'data-state': 'open',
      'data-view': 'home',
    });
    expect(view.getBackButtonProps().hidden).toBe(true);
    expect(view.greeting).toContain('Ada');
  });

  it('intents only send events: the state changes, the view follows', async () => {
    const h = await booted();
    h.view().showMessages();
    expect(h.view()).toMatchObject({ open: true, view: 'messages' });
    expect(h.view().getBackButtonProps().hidden).toBe(false);
    h.view().back();
    expect(h.view().view).toBe('home');
    h.view().showNewMessage('Hi');
    expect(h.view()).toMatchObject({ view: 'newMessage', draft: 'Hi' });
    h.view().hide();
    expect(h.view()).toMatchObject({ open: false, view: null });
  });

  it('unread team replies raise the badge and name the count in the launcher label', async () => {
    const h = await booted();
    h.Intercom('startConversation', 'Hello');
    await h.clock.settle();
    h.Intercom('hide');
    const conversationId = h.view().conversations[0]!.id;
    h.server.team.reply(conversationId, 'Hi Ada', 'Sam');
    h.server.team.reply(conversationId, 'Still there?', 'Sam');
    await h.clock.settle();
    const view = h.view();
    expect(view.unreadCount).toBe(2);
    expect(view.getBadgeProps()).toMatchObject({ hidden: false, 'data-state': 'visible' });
    expect(view.getLauncherProps()['aria-label']).toMatch(/2/);
    expect(view.getConversationItemProps(view.conversations[0]!)).toMatchObject({
      'data-state': 'unread',
      'data-conversation-id': conversationId,
    });
  });

  it('language_override picks the French catalogue for every string and prop', async () => {
    const h = await booted({ language_override: 'fr' });
    const view = h.view();
    expect(view.language).toBe('fr');
    expect(view.getRootProps().lang).toBe('fr');
    expect(view.getLauncherProps()['aria-label']).toBe('Ouvrir la messagerie');
    expect(view.greeting).toBe('Bonjour Ada 👋');
  });

  it('an unknown language falls back to English', async () => {
    const h = await booted({ language_override: 'xx' });
    expect(h.view().language).toBe('en');
  });

  it('launcher settings reach the view-model, paddings never under 20', async () => {
    const h = await booted({
      alignment: 'left',
      horizontal_padding: 5,
      vertical_padding: 40,
      action_color: '#123456',
      hide_default_launcher: true,
    });
    const { launcher } = h.view();
    expect(launcher).toMatchObject({
      alignment: 'left',
      horizontalPadding: 20,
      verticalPadding: 40,
      actionColor: '#123456',
      visible: false,
    });
    expect(h.view().getRootProps()['data-alignment']).toBe('left');
  });

  it('the content getters carry their handlers: cards, conversation items, retry and the email prompt only send events', async () => {
    const h = await booted();
    const click = (attrs: Record<string, unknown>) => (attrs.onClick as (event: UiEvent) => void)(uiEvent({}));
    h.Intercom('show');
    click(h.view().getCardProps('all-conversations'));
    expect(h.view().view).toBe('messages');
    click(h.view().getCardProps('new-message'));
    expect(h.view()).toMatchObject({ view: 'newMessage', draft: '' });
    h.Intercom('startConversation', 'Hello');
    await h.clock.settle();
    const conversationId = h.view().conversations[0]!.id;
    h.Intercom('showSpace', 'home');
    expect(h.view().getCardProps('recent')).toMatchObject({
      class: 'confab-card',
      'data-action': 'recent',
      'data-conversation-id': conversationId,
    });
    click(h.view().getCardProps('recent'));
    expect(h.view()).toMatchObject({ view: 'conversation', thread: { conversationId } });
    h.Intercom('showMessages');
    click(h.view().getConversationItemProps(h.view().conversations[0]!));
    expect(h.view().thread?.conversationId).toBe(conversationId);
    expect(h.view().threadLoading).toBe(false);
  });

  it('the email prompt submits the trimmed address once, nothing when it is empty', async () => {
    const h = await booted({ user_id: undefined, name: undefined });
    const supplied: string[] = [];
    h.Intercom('onUserEmailSupplied', (email: string) => supplied.push(email));
    h.Intercom('startConversation', 'Hi');
    await h.clock.settle();
    const submit = (value: string) => {
      const event = uiEvent({
        currentTarget: { elements: { namedItem: (name: string) => (name === 'email' ? { value } : null) } },
      });
      (h.view().getEmailPromptProps().onSubmit as (event: UiEvent) => void)(event);
      return event;
    };
    expect(submit('   ').defaultPrevented).toBe(true);
    await h.clock.settle();
    expect(supplied).toEqual([]);
    submit(' lead@example.com ');
    await h.clock.settle();
    expect(supplied).toEqual(['lead@example.com']);
  });

  it("a handler reads the state when it runs: a view's composer does not send again once a send started", async () => {
    const h = await booted();
    h.Intercom('showNewMessage');
    const drawn = h.view();
    const field = (value: string) => ({ value });
    const submit = (view: typeof drawn, input: { value: string }) =>
      (view.getComposerProps().onSubmit as (event: UiEvent) => void)(
        uiEvent({ currentTarget: { elements: { namedItem: () => input } } }),
      );
    const first = field('First');
    submit(drawn, first);
    expect(first.value, 'sent, so cleared').toBe('');
    expect(h.view().sending).toBe(true);
    const second = field('Typed while it sends');
    submit(drawn, second);
    expect(second.value, 'not sent: kept').toBe('Typed while it sends');
    await h.clock.settle();
    expect(h.server.conversationsOf(h.server.people()[0]!.id)).toHaveLength(1);
  });

  it('is a pure function of the snapshot: the same snapshot gives the same fields', async () => {
    const h = await booted();
    const snapshot = h.messenger.getSnapshot();
    const sent: unknown[] = [];
    const a = connect(snapshot, (event) => sent.push(event), 'confab-test');
    const b = connect(snapshot, (event) => sent.push(event), 'confab-test');
    // A getter's handlers are made anew each time: compared as what they are, handlers.
    const props = (attrs: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(attrs).map(([name, value]) => [name, typeof value === 'function' ? 'handler' : value]),
      );
    const plain = (view: typeof a) =>
      Object.fromEntries(
        Object.entries(view).map(([key, value]) => [
          key,
          key.startsWith('get') && value.length === 0
            ? props((value as () => Record<string, unknown>)())
            : typeof value === 'function'
              ? 'intent'
              : value,
        ]),
      );
    expect(plain(a)).toEqual(plain(b));
    a.show();
    expect(sent).toEqual([{ type: 'SHOW' }]);
    expect(h.view().open).toBe(false);
  });
});

function uiEvent(fields: { currentTarget?: unknown }): UiEvent & { defaultPrevented: boolean } {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
    stopPropagation() {},
    currentTarget: fields.currentTarget ?? null,
  };
}
