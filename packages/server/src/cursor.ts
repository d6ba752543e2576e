// Opaque list cursors: the key of the last item a page held, as base64url JSON. Clients pass them
// back untouched; one that does not decode to the list's key shape is a 400 naming `cursor`.
import { ApiError } from './errors';

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor holds, checked against the types each position must have. */
export function decodeCursor<const Shape extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: Shape,
): { [I in keyof Shape]: Shape[I] extends 'string' ? string : number } {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const fits =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((value, index) =>
      shape[index] === 'number' ? Number.isSafeInteger(value) : typeof value === 'string' && value.length <= 255,
    );
  if (!fits)
    throw new ApiError(400, 'the cursor is not one this list handed out: pass next_cursor back as it was', 'cursor');
  return key as { [I in keyof Shape]: Shape[I] extends 'string' ? string : number };
}
