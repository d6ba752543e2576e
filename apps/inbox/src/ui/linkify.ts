// Splits text into plain runs and http(s) links, for ui/Linkified.svelte. Only what starts with
// http:// or https:// and passes safeHttpUrl becomes a link: `javascript:`, `data:` and anything
// else stay text.
import { safeHttpUrl } from '../format';

export type TextPart = { text: string } | { text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the URL ("see https://a.example.").
const TRAILING = /[.,;:!?'"*_~]+$/;

/** The URL with sentence punctuation and an unbalanced closing bracket taken off its end. */
function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const before = url;
    url = url.replace(TRAILING, '');
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{', '}'],
    ] as const) {
      if (url.endsWith(close) && url.split(close).length > url.split(open).length) url = url.slice(0, -1);
    }
    if (url === before) return url;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const href = safeHttpUrl(url);
    if (!href || url.length <= 'https://'.length) continue;
    const start = match.index;
    if (start > last) parts.push({ text: text.slice(last, start) });
    parts.push({ text: url, href });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
