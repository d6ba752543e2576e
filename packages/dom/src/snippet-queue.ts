/**
 * The calls Intercom's loader snippet queued before the script arrived. The snippet's stub is
 * `function i() { i.c(arguments) }` with `i.q = []`: each entry is an `arguments` object.
 */
export function readSnippetQueue(stub: unknown): unknown[][] {
  if (typeof stub !== 'function') return [];
  const queue = (stub as { q?: unknown }).q;
  if (!Array.isArray(queue)) return [];
  return queue.filter((entry) => entry !== null && typeof entry === 'object' && 'length' in entry).map((entry) => Array.from(entry as ArrayLike<unknown>));
}
