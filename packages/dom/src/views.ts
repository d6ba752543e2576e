import type { MessengerView, ThreadMessage } from '@confab/core';
import { h } from './dom-helpers';
import { linkify } from './linkify';

/** The content of the panel for the current view, built from the view-model alone. */
export function renderView(document: Document, view: MessengerView): Node[] {
  switch (view.view) {
    case 'home':
      return homeView(document, view);
    case 'messages':
      return messagesView(document, view);
    case 'conversation':
      return conversationView(document, view);
    case 'newMessage':
      return [...errorLine(document, view), h(document, 'div', { class: 'confab-empty' }, [view.strings.intro])];
    default:
      return [];
  }
}

/** What the view shows, as a string: the content is rebuilt only when this changes. */
export function viewKey(view: MessengerView): string {
  return JSON.stringify([
    view.view,
    view.language,
    view.greeting,
    view.error,
    view.person,
    view.view === 'home' || view.view === 'messages' ? view.conversations : null,
    view.view === 'conversation' ? view.thread : null,
  ]);
}

function errorLine(document: Document, view: MessengerView): Node[] {
  return view.error ? [h(document, 'div', { role: 'alert' }, [view.error])] : [];
}

function homeView(document: Document, view: MessengerView): Node[] {
  const { strings } = view;
  const start = h(document, 'button', { type: 'button', class: 'confab-card', 'data-action': 'new-message' }, [
    h(document, 'strong', {}, [strings.startConversation]),
    h(document, 'span', { class: 'confab-muted' }, [strings.intro]),
  ]);
  start.addEventListener('click', () => view.showNewMessage());
  const nodes: Node[] = [
    h(document, 'div', view.getGreetingProps(), [
      h(document, 'h3', {}, [view.greeting]),
      h(document, 'p', {}, [strings.intro]),
    ]),
    ...errorLine(document, view),
    start,
  ];
  const recent = view.recentConversation;
  if (recent) {
    const card = h(document, 'button', { type: 'button', class: 'confab-card', 'data-action': 'recent', 'data-conversation-id': recent.id }, [
      h(document, 'strong', {}, [strings.recentConversation]),
      h(document, 'span', { class: 'confab-muted' }, [view.previewOf(recent)]),
    ]);
    card.addEventListener('click', () => view.openConversation(recent.id));
    nodes.push(card);
  }
  const all = h(document, 'button', { type: 'button', class: 'confab-card', 'data-action': 'all-conversations' }, [strings.seeAllConversations]);
  all.addEventListener('click', () => view.showMessages());
  nodes.push(all);
  return nodes;
}

function messagesView(document: Document, view: MessengerView): Node[] {
  const { strings } = view;
  const nodes: Node[] = [...errorLine(document, view)];
  if (view.conversations.length === 0) {
    nodes.push(h(document, 'p', { class: 'confab-empty' }, [strings.noConversations]));
  } else {
    const list = h(document, 'ul', view.getConversationListProps());
    for (const conversation of view.conversations) {
      const unread = conversation.unread_count > 0;
      const item = h(document, 'button', view.getConversationItemProps(conversation), [
        h(document, 'span', { class: 'confab-preview' }, [view.previewOf(conversation) || '…']),
        unread ? h(document, 'span', { class: 'confab-unread-mark' }, [strings.unreadMark]) : null,
      ]);
      item.addEventListener('click', () => view.openConversation(conversation.id));
      list.append(h(document, 'li', {}, [item]));
    }
    nodes.push(list);
  }
  const start = h(document, 'button', { type: 'button', class: 'confab-card', 'data-action': 'new-message' }, [strings.startConversation]);
  start.addEventListener('click', () => view.showNewMessage());
  nodes.push(start);
  return nodes;
}

function messageNode(document: Document, view: MessengerView, message: ThreadMessage): HTMLElement {
  const { strings } = view;
  const item = h(document, 'li', view.getMessageProps(message), [h(document, 'span', { class: 'confab-author' }, [view.authorOf(message)])]);
  item.append(...linkify(document, message.body));
  if (message.status === 'failed' && message.client_id) {
    const clientId = message.client_id;
    const retry = h(document, 'button', { type: 'button', class: 'confab-retry' }, [strings.failedRetry]);
    retry.addEventListener('click', () => view.retryMessage(clientId));
    item.append(h(document, 'br'), retry);
  }
  return item;
}

function conversationView(document: Document, view: MessengerView): Node[] {
  const { strings } = view;
  const thread = view.thread;
  const list = h(document, 'ol', view.getThreadProps());
  if (!thread || (thread.loading && thread.messages.length === 0)) {
    list.append(h(document, 'li', { class: 'confab-empty' }, [strings.loading]));
  } else {
    for (const message of thread.messages) list.append(messageNode(document, view, message));
  }
  const nodes: Node[] = [...errorLine(document, view), list];
  if (view.emailPromptShown) nodes.push(emailPrompt(document, view));
  return nodes;
}

function emailPrompt(document: Document, view: MessengerView): Node {
  const input = h(document, 'input', view.getEmailInputProps());
  const form = h(document, 'form', view.getEmailPromptProps(), [
    h(document, 'label', view.getEmailLabelProps(), [view.strings.emailPrompt]),
    input,
    h(document, 'button', { type: 'submit' }, ['→']),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const email = input.value.trim();
    if (email) view.supplyEmail(email);
  });
  return form;
}
