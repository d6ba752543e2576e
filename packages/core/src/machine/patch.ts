import type { Company, Identity, Page, PersonAttributes } from '../protocol/wire';

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

function mergeCompany(a: Company | undefined, b: Company | undefined): Company | undefined {
  if (!a || !b || a.company_id !== b.company_id) return b ?? a;
  return {
    ...a,
    ...b,
    ...(a.custom_attributes || b.custom_attributes
      ? { custom_attributes: { ...a.custom_attributes, ...b.custom_attributes } }
      : {}),
  };
}

/** `later` wins attribute by attribute; custom attributes and the company merge key by key. */
export function mergeAttributes(earlier: PersonAttributes, later: PersonAttributes): PersonAttributes {
  const merged: PersonAttributes = { ...earlier, ...later };
  if (earlier.custom_attributes || later.custom_attributes) {
    merged.custom_attributes = { ...earlier.custom_attributes, ...later.custom_attributes };
  }
  const company = mergeCompany(earlier.company, later.company);
  if (company) merged.company = company;
  return merged;
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
