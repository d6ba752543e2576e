/**
 * Keys that name an object's prototype machinery. Schema validators skip them without a word
 * (valibot's record and objectWithRest do, to keep prototypes safe) and the server's JSON parser
 * refuses bodies that carry `__proto__`, so a call naming one is refused with a warning rather
 * than sent half-empty.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function findReservedKey(value: object): string | undefined {
  return Object.keys(value).find((key) => RESERVED_KEYS.has(key));
}
