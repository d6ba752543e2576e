import type { PropValue, UiEvent } from '@confab/core';
import type { SyntheticEvent } from 'react';

/** HTML attribute names core's getters use that React spells its own way. */
const REACT_NAMES: Record<string, string> = {
  class: 'className',
  for: 'htmlFor',
  autocomplete: 'autoComplete',
  tabindex: 'tabIndex',
  datetime: 'dateTime',
  readonly: 'readOnly',
  maxlength: 'maxLength',
  enterkeyhint: 'enterKeyHint',
  inputmode: 'inputMode',
  onKeydown: 'onKeyDown',
  onKeyup: 'onKeyUp',
};

/** What core's handlers read, from React's event: IME composition lives on the native event only. */
function uiEvent(event: SyntheticEvent & { key?: string; shiftKey?: boolean }): UiEvent {
  return {
    preventDefault: () => event.preventDefault(),
    stopPropagation: () => event.stopPropagation(),
    currentTarget: event.currentTarget,
    key: event.key,
    shiftKey: event.shiftKey,
    isComposing: (event.nativeEvent as { isComposing?: boolean }).isComposing ?? false,
  };
}

/**
 * Core's prop getters as React props (the React props normaliser): React's attribute names,
 * handlers given React's events through core's UiEvent, and `undefined` and `false` left out as
 * the DOM adapter leaves them out (ARIA keeps "true"/"false", which React writes as text).
 */
export function reactProps(props: Record<string, PropValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(props)) {
    const reactName = REACT_NAMES[name] ?? name;
    if (typeof value === 'function') out[reactName] = (event: SyntheticEvent) => value(uiEvent(event));
    else if (value === undefined || (value === false && !name.startsWith('aria-'))) continue;
    else out[reactName] = value;
  }
  return out;
}
