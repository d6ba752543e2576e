// How a custom attribute's or an event metadata's value reads: always plain text (whatever a
// visitor's page sent), never markup. Strings stay as they are; null reads as a dash.
export type AttributeValue = string | number | boolean | null | undefined;

export function attributeText(value: AttributeValue): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

/** `[key, value]` pairs of a record, by key, for a stable list; anything else reads as none. */
export function attributeEntries(record: unknown): [string, AttributeValue][] {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return [];
  return Object.entries(record as Record<string, unknown>)
    .map(([key, value]): [string, AttributeValue] => [key, plain(value)])
    .sort(([a], [b]) => a.localeCompare(b));
}

/** A value as a stored custom attribute can hold it; anything nested is shown as its JSON text. */
function plain(value: unknown): AttributeValue {
  if (value === null || value === undefined) return value as null | undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}
