// Message bodies are text. Each adapter renders these segments as text nodes and, for `link`,
// an anchor it builds itself: no markup from a message is ever parsed, so a body like
// `<img onerror=…>` shows as those characters. Only http(s) links are made.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the link ("see https://x.io/a.").
const TRAILING = /[.,;:!?)\]}'"]+$/;

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** The `rel` every adapter puts on a link from a message: it is somebody else's content. */
export const MESSAGE_LINK_REL = 'noopener noreferrer nofollow ugc';

export function textSegments(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const start = match.index ?? 0;
    const trimmed = match[0].replace(TRAILING, '');
    const href = safeHref(trimmed);
    if (!href) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: trimmed, href });
    last = start + trimmed.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** The URL when it is http(s), else null (javascript:, data:, anything unparsable or not a string). */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
