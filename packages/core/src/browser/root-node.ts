import { adoptMessengerStylesheet, adoptStylesheetOn, type StylesheetDocument } from './stylesheet';

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

/**
 * Adopts the messenger's stylesheet where `node` is drawn: its document, or the shadow root it is
 * in (a document's sheets do not reach inside one). Returns the release.
 */
export function adoptStylesheetAt(node: DrawnNode): () => void {
  const shadow = shadowRootOf(node);
  const document = node.ownerDocument!;
  return shadow
    ? adoptStylesheetOn(shadow, document, (style) => shadow.append(style))
    : adoptMessengerStylesheet(document);
}

/** The focused element as seen from where `node` is drawn: a shadow root hides its own from `document`. */
export function activeElementAt(node: DrawnNode): unknown {
  return shadowRootOf(node)?.activeElement ?? node.ownerDocument?.activeElement ?? null;
}
