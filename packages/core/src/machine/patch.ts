import { mergeAttributes } from '../protocol/attributes';
import type { Identity, Page, PersonAttributes } from '../protocol/wire';

/**
 * What one `update` asks of the server. Throttled updates fold into one patch so the last value
 * of every attribute still reaches the server when the window reopens.
 */
export interface UpdatePatch {
  identity: Identity;
  attributes: PersonAttributes;
  /** The page impression of the latest update (the no-argument form sends only this). */
  page?: Page;
}

export function mergePatch(earlier: UpdatePatch | null, later: UpdatePatch): UpdatePatch {
  if (!earlier) return later;
  const page = later.page ?? earlier.page;
  return {
    identity: { ...earlier.identity, ...later.identity },
    attributes: mergeAttributes(earlier.attributes, later.attributes),
    ...(page ? { page } : {}),
  };
}
