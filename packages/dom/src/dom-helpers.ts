import type { PropValue } from '@confab/core';

/** Attribute values as core's prop getters give them: true is present, false/undefined absent (ARIA: "true"/"false"); handlers. */
export type Attrs = Record<string, PropValue>;

/**
 * Applies a prop getter's attributes and handlers to an element (the DOM's props normaliser).
 * `hidden` and `disabled` are reflected as attributes too, so CSS and assistive technology see the
 * same state. A handler (`onClick`) becomes the element's `onclick`: each render replaces the last.
 */
export function setAttrs(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') (element as unknown as Record<string, unknown>)[name.toLowerCase()] = value;
    else if (name.startsWith('aria-') && typeof value === 'boolean') element.setAttribute(name, String(value));
    else if (value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

export type Child = Node | string | null | undefined | false;
export type ElementFactory = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  children?: Child[],
) => HTMLElementTagNameMap[K];

/** Children to append: null, undefined and false left out (`append` makes text nodes of strings, never markup). */
export function present(children: Child[]): Array<Node | string> {
  return children.filter((child): child is Node | string => !!child);
}

/** A small element factory on `document`: `h(tag, attrs, children)`. */
export function elementFactory(document: Document): ElementFactory {
  return (tag, attrs = {}, children = []) => {
    const element = document.createElement(tag);
    setAttrs(element, attrs);
    element.append(...present(children));
    return element;
  };
}

/**
 * Elements drawn once and bound to a view-model: `el(tag, props, children or text)` makes one and
 * adds to `updates` what gives it its props (attributes and handlers) and its text again.
 */
export function boundElement<View>(h: ElementFactory, updates: Array<(view: View) => void>) {
  return <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    props: (view: View) => Attrs,
    children: Child[] | ((view: View) => string) = [],
  ) => {
    const element = h(tag, {}, typeof children === 'function' ? [] : children);
    updates.push((view) => {
      setAttrs(element, props(view));
      if (typeof children === 'function') element.textContent = children(view);
    });
    return element;
  };
}
