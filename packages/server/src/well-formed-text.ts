// PostgreSQL refuses NUL in text, and a string with an unpaired UTF-16 surrogate cannot be stored
// as UTF-8 at all: SQLite keeps replacement bytes and the pg driver writes U+FFFD, so two
// different client ids could come back as the same one. JSON Schema has no keyword for either,
// so every string a request carries (values and keys, at any depth) is checked once, here.

// An unpaired surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this refuses.
const ILL_FORMED = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path (`body.events.0.id`) of the first string that is not well-formed text, if any. */
export function findIllFormedText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return ILL_FORMED.test(value) ? path : undefined;
  // Deeper than any schema allows: validation refuses it anyway.
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (ILL_FORMED.test(key)) return at;
    const found = findIllFormedText(item, at, depth + 1);
    if (found) return found;
  }
  return undefined;
}
