import { MESSENGER_CSS } from '@confab/core';

// One sheet per document, however many components mount: counted, removed with the last one.
const adopted = new WeakMap<Document, { count: number; remove(): void }>();

/**
 * Core's stylesheet for the page's own DOM (every rule is scoped under the root part). Adopted as
 * a constructed sheet, so a strict CSP allows it; a `<style>` element where that is missing.
 */
export function adoptMessengerStylesheet(document: Document): () => void {
  let entry = adopted.get(document);
  if (!entry) {
    const Sheet = document.defaultView?.CSSStyleSheet;
    if (Sheet && 'replaceSync' in Sheet.prototype && 'adoptedStyleSheets' in document) {
      const sheet = new Sheet();
      sheet.replaceSync(MESSENGER_CSS);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      entry = { count: 0, remove: () => (document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet)) };
    } else {
      const style = document.createElement('style');
      style.textContent = MESSENGER_CSS;
      document.head.append(style);
      entry = { count: 0, remove: () => style.remove() };
    }
    adopted.set(document, entry);
  }
  entry.count += 1;
  const current = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    current.count -= 1;
    if (current.count === 0) {
      current.remove();
      adopted.delete(document);
    }
  };
}
