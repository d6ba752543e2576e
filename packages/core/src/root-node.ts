import { adoptMessengerStylesheet, MESSENGER_CSS, type StylesheetDocument } from './stylesheet';

/** A shadow root, as far as the stylesheet and focus need one (core reads no DOM globals). */
interface ShadowRootLike {
  readonly nodeType: number;
  readonly host: unknown;
  readonly activeElement: unknown;
  adoptedStyleSheets?: unknown[];
  append(node: unknown): void;
}

/** A node of a framework component: drawn in its document, or in a shadow root (a custom element). */
export interface DrawnNode {
  getRootNode(): unknown;
  readonly ownerDocument: (StylesheetDocument & { readonly activeElement: unknown }) | null;
}

const DOCUMENT_FRAGMENT_NODE = 11;

function shadowRootOf(node: DrawnNode): ShadowRootLike | null {
  const root = node.getRootNode() as Partial<ShadowRootLike> | null;
  return root?.nodeType === DOCUMENT_FRAGMENT_NODE && 'host' in root ? (root as ShadowRootLike) : null;
}

// Core counts one sheet per document; a shadow root has sheets of its own, counted the same way.
const adopted = new WeakMap<ShadowRootLike, { count: number; remove(): void }>();

/**
 * Adopts the messenger's stylesheet where `node` is drawn: its document, or the shadow root it is
 * in (a document's sheets do not reach inside one). Returns the release; the sheet goes with the
 * last component using it.
 */
export function adoptStylesheetAt(node: DrawnNode): () => void {
  const shadow = shadowRootOf(node);
  const document = node.ownerDocument!;
  if (!shadow) return adoptMessengerStylesheet(document);
  let entry = adopted.get(shadow);
  if (!entry) {
    const Sheet = document.defaultView?.CSSStyleSheet;
    if (Sheet && 'replaceSync' in Sheet.prototype && Array.isArray(shadow.adoptedStyleSheets)) {
      const sheet = new Sheet();
      sheet.replaceSync(MESSENGER_CSS);
      shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
      entry = { count: 0, remove: () => (shadow.adoptedStyleSheets = shadow.adoptedStyleSheets!.filter((s) => s !== sheet)) };
    } else {
      const style = document.createElement('style');
      style.textContent = MESSENGER_CSS;
      shadow.append(style);
      entry = { count: 0, remove: () => style.remove() };
    }
    adopted.set(shadow, entry);
  }
  entry.count += 1;
  const current = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    current.count -= 1;
    if (current.count > 0) return;
    current.remove();
    adopted.delete(shadow);
  };
}

/** The focused element as seen from where `node` is drawn: a shadow root hides its own from `document`. */
export function activeElementAt(node: DrawnNode): unknown {
  return shadowRootOf(node)?.activeElement ?? node.ownerDocument?.activeElement ?? null;
}
