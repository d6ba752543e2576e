import type { PropValue } from '@confab/core';

/** Attribute values as core's prop getters give them: true is present, false/undefined absent; handlers. */
export type Attrs = Record<string, PropValue>;

/**
 * Applies a prop getter's attributes and handlers to an element (the DOM's props normaliser).
 * `hidden` and `disabled` are reflected as attributes too, so CSS and assistive technology see the
 * same state. A handler (`onClick`) becomes the element's `onclick`: each render replaces the last.
 */
export function setAttrs(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') {
      (element as unknown as Record<string, unknown>)[name.toLowerCase()] = value;
    } else if (value === undefined || value === false) {
      if (name.startsWith('aria-') && value === false) element.setAttribute(name, 'false');
      else element.removeAttribute(name);
    } else if (value === true) {
      element.setAttribute(name, name.startsWith('aria-') ? 'true' : '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
}

type Child = Node | string | null | undefined | false;

/** A small element factory: text children become text nodes, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  document: Document,
  tag: K,
  attrs: Attrs = {},
  children: Child[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}
