import type { PropValue } from '@confab/core';

/** Core's prop getters as Svelte 5 attributes: its handlers are lowercase (`onClick` becomes `onclick`). */
export function svelteProps(props: Record<string, PropValue>): Record<string, PropValue> {
  return Object.fromEntries(
    Object.entries(props).map(([name, value]) => [typeof value === 'function' ? name.toLowerCase() : name, value]),
  );
}

/** `use:customProperties={...}`: the launcher's custom properties through the CSSOM, as `style:` directives would set them. */
export function customProperties(node: HTMLElement, properties: Record<string, string>) {
  const apply = (next: Record<string, string>) => {
    for (const [name, value] of Object.entries(next)) node.style.setProperty(name, value);
  };
  apply(properties);
  return { update: apply };
}
