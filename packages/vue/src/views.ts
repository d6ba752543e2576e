import { type MessageParts, type MessengerView, messageParts, type ThreadMessage } from '@confab/core';
import { h, type Slot, type VNode } from 'vue';

/** Slot props for one message: the message, who wrote it, its body as text and link segments, when, and "seen". */
export type MessageSlotProps = MessageParts;

/** The panel's content for the current view: markup over core's getters (the DOM adapter's views, in Vue). */
export function renderView(view: MessengerView, messageSlot: Slot | undefined): Array<VNode | null> {
  const { strings } = view;
  const error = view.error ? h('div', view.getErrorProps(), view.error) : null;
  const recent = view.recentConversation;
  switch (view.view) {
    case 'home':
      return [
        h('div', view.getGreetingProps(), [h('h3', view.greeting), h('p', strings.intro)]),
        error,
        h('button', view.getCardProps('new-message'), [
          h('strong', strings.startConversation),
          h('span', view.getCardNoteProps(), strings.intro),
        ]),
        recent &&
          h('button', view.getCardProps('recent'), [
            h('strong', strings.recentConversation),
            h('span', view.getCardNoteProps(), view.previewOf(recent)),
          ]),
        h('button', view.getCardProps('all-conversations'), strings.seeAllConversations),
      ];
    case 'messages':
      return [
        error,
        view.conversations.length === 0
          ? h('p', view.getEmptyProps(), strings.noConversations)
          : h(
              'ul',
              view.getConversationListProps(),
              view.conversations.map((conversation) =>
                h('li', { key: conversation.id }, [
                  h('button', view.getConversationItemProps(conversation), [
                    h('span', view.getConversationPreviewProps(), view.previewOf(conversation) || '…'),
                    conversation.unread_count > 0 ? h('span', view.getUnreadMarkProps(), strings.unreadMark) : null,
                  ]),
                ]),
              ),
            ),
        h('button', view.getCardProps('new-message'), strings.startConversation),
      ];
    case 'conversation':
      return [
        error,
        h(
          'ol',
          view.getThreadProps(),
          view.threadLoading
            ? [h('li', view.getEmptyProps(), strings.loading)]
            : view.thread!.messages.map((message) => messageItem(view, message, messageSlot)),
        ),
        view.typing ? h('p', view.getTypingProps(), view.typing) : null,
        view.emailPromptShown
          ? h('form', view.getEmailPromptProps(), [
              h('label', view.getEmailLabelProps(), strings.emailPrompt),
              h('input', view.getEmailInputProps()),
              h('button', view.getEmailSubmitProps(), '→'),
            ])
          : null,
      ];
    case 'newMessage':
      return [error, h('div', view.getEmptyProps(), strings.intro)];
    default:
      return [];
  }
}

function messageItem(view: MessengerView, message: ThreadMessage, messageSlot: Slot | undefined): VNode {
  const props = messageParts(view, message);
  const avatar = view.avatarOf(message);
  return h('li', { key: message.id, ...view.getMessageProps(message) }, [
    ...(messageSlot
      ? messageSlot(props)
      : // Text and anchors only: a body is never parsed as markup.
        [
          h('span', view.getMessageAuthorProps(), [
            avatar &&
              (avatar.src
                ? h('img', view.getAvatarProps(message))
                : h('span', view.getAvatarProps(message), avatar.initials)),
            props.author,
          ]),
          ...props.segments.map((segment) =>
            segment.kind === 'text' ? segment.text : h('a', view.getMessageLinkProps(segment.href), segment.text),
          ),
          h('time', view.getTimeProps(message), props.time),
          props.seen ? h('span', view.getSeenProps(), view.strings.seen) : null,
        ]),
    ...(view.canRetry(message)
      ? [h('br'), h('button', view.getRetryButtonProps(message), view.strings.failedRetry)]
      : []),
  ]);
}
