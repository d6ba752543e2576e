import type { Logger } from '../platform/logger';

/**
 * Which server Confab talks to. Intercom's own clients write Intercom's API host into `api_base`
 * (@intercom/messenger-js-sdk always does, whatever the page passed): a value naming Intercom is
 * never a Confab server, so it counts as absent and the next place in the order is asked.
 * `confab_api_base` is Confab's own name for the server, which no Intercom client writes.
 */

// Intercom's domains (intercom.io, intercom.com, intercomcdn.com) and their subdomains: api-iam.eu.intercom.io, widget.intercom.io, ...
const INTERCOM_HOST = /(^|\.)intercom(cdn)?\.(io|com)$/i;

export function isIntercomHost(url: string): boolean {
  try {
    return INTERCOM_HOST.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** `url` if it names a server Confab may use (a string that does not name Intercom). */
export function confabServer(url: unknown): string | undefined {
  return typeof url === 'string' && url !== '' && !isIntercomHost(url) ? url : undefined;
}

/**
 * The first usable server in `candidates` (asked at every request: a boot may name another), else
 * `last`. A candidate naming Intercom is passed over with one warning per value, naming the
 * server used instead; values that are not strings (a page's own intercomSettings) are skipped.
 */
export function createApiBaseResolver(
  candidates: () => readonly unknown[],
  last: () => string,
  logger: Logger,
): () => string {
  const warned = new Set<unknown>();
  return () => {
    const list = candidates();
    const index = list.findIndex(confabServer);
    const chosen = index < 0 ? last() : (list[index] as string);
    for (const value of index < 0 ? list : list.slice(0, index)) {
      if (typeof value !== 'string' || !isIntercomHost(value) || warned.has(value)) continue;
      warned.add(value);
      logger.warn(`[Confab] api_base ${value} is Intercom's: using ${chosen} (see confab_api_base)`);
    }
    return chosen;
  };
}
