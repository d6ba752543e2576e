/** No Intercom command takes more than three arguments: a longer entry is not a queued call. */
const MAX_ARGUMENTS = 10;

/**
 * The calls Intercom's loader snippet queued before the script arrived. The snippet's stub is
 * `function i() { i.c(arguments) }` with `i.q = []`: each entry is an `arguments` object. The
 * queue is the page's to write, so it is read warily: an entry that is not such a call (or
 * throws when read) is skipped with a warning naming it, and nothing throws into the page.
 */
export function readSnippetQueue(stub: unknown, warn: (message: string) => void): unknown[][] {
  if (typeof stub !== 'function') return [];
  const calls: unknown[][] = [];
  let queue: unknown;
  try {
    queue = (stub as { q?: unknown }).q;
    if (!Array.isArray(queue)) return [];
    for (let index = 0; index < queue.length; index++) {
      const call = readCall(queue[index]);
      if (call) calls.push(call);
      else warn(`[Confab] Intercom.q[${index}] is not a call the loader snippet queued (an arguments object): skipped`);
    }
  } catch {
    warn(
      `[Confab] the loader snippet's queue (Intercom.q) could not be read: the calls after entry ${calls.length} were not replayed`,
    );
  }
  return calls;
}

function readCall(entry: unknown): unknown[] | undefined {
  try {
    if (entry === null || typeof entry !== 'object') return undefined;
    const { length } = entry as ArrayLike<unknown>;
    if (!Number.isInteger(length) || length < 0 || length > MAX_ARGUMENTS) return undefined;
    return Array.from({ length }, (_, i) => (entry as ArrayLike<unknown>)[i]);
  } catch {
    return undefined;
  }
}
