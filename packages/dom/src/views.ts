import { type MessengerView, type ThreadMessage, textSegments } from '@confab/core';
import type { ConversationSummary } from '@confab/core/protocol';
import type { Child, ElementFactory } from './dom-helpers';

/**
 * The panel's content for the current view, from the view-model alone: markup, every attribute
 * and handler from a getter. The email prompt is the renderer's (it outlives a redraw).
 */
export function renderView(h: ElementFactory, view: MessengerView): Child[] {
  const { strings } = view;
  const error = view.error && h('div', view.getErrorProps(), [view.error]);
  const recent = view.recentConversation;
  const message = (item: ThreadMessage) => {
    const avatar = view.avatarOf(item);
    return h('li', view.getMessageProps(item), [
      h('span', view.getMessageAuthorProps(), [
        // The teammate's picture, or their initials.
        avatar && h(avatar.src ? 'img' : 'span', view.getAvatarProps(item), [!avatar.src && avatar.initials]),
        view.authorOf(item),
      ]),
      // Text nodes and anchors only: a body is never parsed as markup.
      ...textSegments(item.body).map((segment) =>
        segment.kind === 'link' ? h('a', view.getMessageLinkProps(segment.href), [segment.text]) : segment.text,
      ),
      h('time', view.getTimeProps(item), [view.timeOf(item)]),
      view.seenMessageId === item.id && h('span', view.getSeenProps(), [strings.seen]),
      ...(view.canRetry(item) ? [h('br'), h('button', view.getRetryButtonProps(item), [strings.failedRetry])] : []),
    ]);
  };
  const conversationItem = (conversation: ConversationSummary) =>
    h('li', {}, [
      h('button', view.getConversationItemProps(conversation), [
        h('span', view.getConversationPreviewProps(), [view.previewOf(conversation) || '…']),
        conversation.unread_count > 0 && h('span', view.getUnreadMarkProps(), [strings.unreadMark]),
      ]),
    ]);
  switch (view.view) {
    case 'home':
      return [
        h('div', view.getGreetingProps(), [h('h3', {}, [view.greeting]), h('p', {}, [strings.intro])]),
        error,
        h('button', view.getCardProps('new-message'), [
          h('strong', {}, [strings.startConversation]),
          h('span', view.getCardNoteProps(), [strings.intro]),
        ]),
        recent &&
          h('button', view.getCardProps('recent'), [
            h('strong', {}, [strings.recentConversation]),
            h('span', view.getCardNoteProps(), [view.previewOf(recent)]),
          ]),
        h('button', view.getCardProps('all-conversations'), [strings.seeAllConversations]),
      ];
    case 'messages':
      return [
        error,
        view.conversations.length === 0
          ? h('p', view.getEmptyProps(), [strings.noConversations])
          : h('ul', view.getConversationListProps(), view.conversations.map(conversationItem)),
        h('button', view.getCardProps('new-message'), [strings.startConversation]),
      ];
    case 'conversation':
      return [
        error,
        h(
          'ol',
          view.getThreadProps(),
          view.threadLoading ? [h('li', view.getEmptyProps(), [strings.loading])] : view.thread!.messages.map(message),
        ),
        view.typing && h('p', view.getTypingProps(), [view.typing]),
      ];
    case 'newMessage':
      return [error, h('div', view.getEmptyProps(), [strings.intro])];
    default:
      return [];
  }
}

/** What the view shows, as a string: the content is drawn again only when this changes. */
export function viewKey(view: MessengerView): string {
  return JSON.stringify([
    view.view,
    view.language,
    view.greeting,
    view.error,
    view.person,
    view.view === 'home' || view.view === 'messages' ? view.conversations : null,
    view.thread,
    view.seenMessageId,
    view.typing,
  ]);
}
