// What deserves the teammate's attention when the inbox is not in front of them: a new
// conversation, or a visitor's message in a conversation assigned to them.
import type { TeamConversation, TeamStreamEvent } from './types';

export function titleWithUnread(title: string, unread: number): string {
  return unread > 0 ? `(${unread > 99 ? '99+' : unread}) ${title}` : title;
}

export interface Attention {
  conversationId: string;
  title: string;
  body: string;
}

/** The notice an event calls for, if any. `find` reads what the inbox knows of a conversation. */
export function attentionFor(
  event: TeamStreamEvent,
  me: string,
  find: (conversationId: string) => TeamConversation | undefined,
): Attention | undefined {
  if (event.type === 'conversation.created') {
    const contact = event.conversation.contact;
    return {
      conversationId: event.conversation.id,
      title: `New conversation: ${contactName(contact)}`,
      body: event.conversation.last_message?.body ?? '',
    };
  }
  if (event.type === 'message' && event.message.author === 'person') {
    const conversation = find(event.conversation_id);
    if (conversation?.assignee_id !== me) return undefined;
    return { conversationId: conversation.id, title: contactName(conversation.contact), body: event.message.body };
  }
  return undefined;
}

export function contactName(contact: TeamConversation['contact']): string {
  return contact.name || contact.email || contact.user_id || (contact.role === 'lead' ? 'Visitor' : 'User');
}
