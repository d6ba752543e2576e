import { MESSAGE_LINK_REL, textSegments } from '@confab/core';

/** A message body as nodes: text nodes, and anchors built node by node for its http(s) links. */
export function linkify(document: Document, text: string): Node[] {
  return textSegments(text).map((segment) => {
    if (segment.kind === 'text') return document.createTextNode(segment.text);
    const anchor = document.createElement('a');
    anchor.href = segment.href;
    anchor.target = '_blank';
    anchor.rel = MESSAGE_LINK_REL;
    anchor.textContent = segment.text;
    return anchor;
  });
}
