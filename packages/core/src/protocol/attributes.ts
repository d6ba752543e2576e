// How person attributes combine, the same on both ends: the server folds each update into the
// person it stores, the client folds throttled updates into the one it sends later.
import type { Company, PersonAttributes } from './wire';

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
