// Everything the contact pane shows, read at once from the team API: the contact, their tracked
// events, the pages they viewed and their conversations (`?contact_id=`, newest activity first).
import type { Contact, PageView, StoredEventView, TeamConversation } from '@confab/server';
import { api, teamPath } from '../api/client';

export interface ContactData {
  contact: Contact;
  events: StoredEventView[];
  pageViews: PageView[];
  conversations: TeamConversation[];
  /** More of their conversations than the first page holds. */
  moreConversations: boolean;
}

/** How many of a contact's conversations the pane lists. */
export const CONVERSATIONS_SHOWN = 20;

/** The contact's most recent conversations (`?contact_id=`). */
export async function loadContactConversations(
  appId: string,
  contactId: string,
): Promise<Pick<ContactData, 'conversations' | 'moreConversations'>> {
  const page = await api<{ conversations: TeamConversation[]; next_cursor?: string }>(
    'GET',
    teamPath(appId, `conversations?contact_id=${encodeURIComponent(contactId)}&limit=${CONVERSATIONS_SHOWN}`),
  );
  return { conversations: page.conversations, moreConversations: page.next_cursor !== undefined };
}

export async function loadContact(appId: string, contactId: string): Promise<ContactData> {
  const id = encodeURIComponent(contactId);
  const [contact, events, pageViews, conversations] = await Promise.all([
    api<Contact>('GET', teamPath(appId, `contacts/${id}`)),
    api<{ events: StoredEventView[] }>('GET', teamPath(appId, `contacts/${id}/events`)),
    api<{ page_views: PageView[] }>('GET', teamPath(appId, `contacts/${id}/page_views`)),
    loadContactConversations(appId, contactId),
  ]);
  return { contact, events: events.events, pageViews: pageViews.page_views, ...conversations };
}
