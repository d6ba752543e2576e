import type { PropValue } from '@confab/core';

/** Core's prop getters as Svelte 5 attributes: its handlers are lowercase (`onClick` becomes `onclick`). */
export function svelteProps(props: Record<string, PropValue>): Record<string, PropValue> {
  return Object.fromEntries(Object.entries(props).map(([name, value]) => [typeof value === 'function' ? name.toLowerCase() : name, value]));
}
