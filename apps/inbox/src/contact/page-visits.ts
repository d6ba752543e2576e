// A contact's page views folded for reading: one row per page (its URL), with how many times it
// was viewed and when last, most recent first. A visitor reloading one page makes one row.
import type { PageView } from '@confab/server';

export interface PageVisit {
  url: string;
  /** The title the last view of this URL carried, if any. */
  title?: string;
  views: number;
  first_at: number;
  last_at: number;
}

export function foldPageViews(pageViews: readonly PageView[]): PageVisit[] {
  const byUrl = new Map<string, PageVisit>();
  for (const view of pageViews) {
    const visit = byUrl.get(view.url);
    if (!visit) {
      byUrl.set(view.url, {
        url: view.url,
        ...(view.title !== undefined ? { title: view.title } : {}),
        views: 1,
        first_at: view.created_at,
        last_at: view.created_at,
      });
      continue;
    }
    visit.views++;
    visit.first_at = Math.min(visit.first_at, view.created_at);
    if (view.created_at >= visit.last_at) {
      visit.last_at = view.created_at;
      if (view.title !== undefined) visit.title = view.title;
    }
  }
  return [...byUrl.values()].sort((a, b) => b.last_at - a.last_at);
}
