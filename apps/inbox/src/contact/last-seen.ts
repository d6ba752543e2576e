// When a contact was last seen: the latest of their record's change, their last page view and the
// last event the server received from them (an event's own created_at is the visitor's clock, so
// it is not trusted here). The server keeps no separate "last seen" time.
import type { Contact, PageView, StoredEventView } from '@confab/server';

export function lastSeenAt(
  contact: Pick<Contact, 'updated_at'>,
  pageViews: readonly Pick<PageView, 'created_at'>[],
  events: readonly Pick<StoredEventView, 'received_at'>[],
): number {
  let latest = contact.updated_at;
  for (const view of pageViews) latest = Math.max(latest, view.created_at);
  for (const event of events) latest = Math.max(latest, event.received_at);
  return latest;
}
