import { MESSAGE_LINK_REL, textSegments, type MessengerView, type ThreadMessage } from '@confab/core';
import { h, type Slot, type VNode } from 'vue';

/** Slot props for one message: the message, who wrote it, and its body as text and link segments. */
export interface MessageSlotProps {
  message: ThreadMessage;
  author: string;
  segments: ReturnType<typeof textSegments>;
}

const card = (action: string, onClick: () => void, children: Array<VNode | string>, extra: Record<string, string> = {}) =>
  h('button', { type: 'button', class: 'confab-card', 'data-action': action, ...extra, onClick }, children);

const errorLine = (view: MessengerView) => (view.error ? [h('div', { role: 'alert' }, view.error)] : []);

/** The panel's content for the current view, from the view-model alone (the DOM adapter's views, in Vue). */
export function renderView(view: MessengerView, messageSlot: Slot | undefined): VNode[] {
  const { strings } = view;
  switch (view.view) {
    case 'home': {
      const nodes = [
        h('div', view.getGreetingProps(), [h('h3', view.greeting), h('p', strings.intro)]),
        ...errorLine(view),
        card('new-message', () => view.showNewMessage(), [h('strong', strings.startConversation), h('span', { class: 'confab-muted' }, strings.intro)]),
      ];
      const recent = view.recentConversation;
      if (recent) {
        nodes.push(
          card('recent', () => view.openConversation(recent.id), [h('strong', strings.recentConversation), h('span', { class: 'confab-muted' }, view.previewOf(recent))], {
            'data-conversation-id': recent.id,
          }),
        );
      }
      nodes.push(card('all-conversations', () => view.showMessages(), [strings.seeAllConversations]));
      return nodes;
    }
    case 'messages':
      return [
        ...errorLine(view),
        view.conversations.length === 0
          ? h('p', { class: 'confab-empty' }, strings.noConversations)
          : h(
              'ul',
              view.getConversationListProps(),
              view.conversations.map((conversation) =>
                h('li', { key: conversation.id }, [
                  h('button', { ...view.getConversationItemProps(conversation), onClick: () => view.openConversation(conversation.id) }, [
                    h('span', { class: 'confab-preview' }, view.previewOf(conversation) || '…'),
                    conversation.unread_count > 0 ? h('span', { class: 'confab-unread-mark' }, strings.unreadMark) : null,
                  ]),
                ]),
              ),
            ),
        card('new-message', () => view.showNewMessage(), [strings.startConversation]),
      ];
    case 'conversation': {
      const thread = view.thread;
      const items =
        !thread || (thread.loading && thread.messages.length === 0)
          ? [h('li', { class: 'confab-empty' }, strings.loading)]
          : thread.messages.map((message) => messageItem(view, message, messageSlot));
      const nodes = [...errorLine(view), h('ol', view.getThreadProps(), items)];
      if (view.emailPromptShown) nodes.push(emailPrompt(view));
      return nodes;
    }
    case 'newMessage':
      return [...errorLine(view), h('div', { class: 'confab-empty' }, strings.intro)];
    default:
      return [];
  }
}

function messageItem(view: MessengerView, message: ThreadMessage, messageSlot: Slot | undefined): VNode {
  const props: MessageSlotProps = { message, author: view.authorOf(message), segments: textSegments(message.body) };
  const content = messageSlot
    ? messageSlot(props)
    : [
        h('span', { class: 'confab-author' }, props.author),
        // Text and anchors only: a body is never parsed as markup.
        ...props.segments.map((segment) =>
          segment.kind === 'text' ? segment.text : h('a', { href: segment.href, target: '_blank', rel: MESSAGE_LINK_REL }, segment.text),
        ),
      ];
  const clientId = message.client_id;
  const retry =
    message.status === 'failed' && clientId
      ? [h('br'), h('button', { type: 'button', class: 'confab-retry', onClick: () => view.retryMessage(clientId) }, view.strings.failedRetry)]
      : [];
  return h('li', { key: message.id, ...view.getMessageProps(message) }, [...content, ...retry]);
}

function emailPrompt(view: MessengerView): VNode {
  const { strings } = view;
  return h(
    'form',
    {
      ...view.getEmailPromptProps(),
      onSubmit(event: Event) {
        event.preventDefault();
        const field = (event.currentTarget as HTMLFormElement).elements.namedItem('email') as HTMLInputElement | null;
        const email = field?.value.trim();
        if (email) view.supplyEmail(email);
      },
    },
    [
      h('label', view.getEmailLabelProps(), strings.emailPrompt),
      h('input', view.getEmailInputProps()),
      h('button', { type: 'submit' }, '→'),
    ],
  );
}
