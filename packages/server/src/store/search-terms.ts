// How text becomes search terms: one function for every document and every query, run here in
// JavaScript rather than by either database's tokenizer, so SQLite and PostgreSQL index and look up
// exactly the same terms (their own tokenizers, case folding and accent handling all differ).
//
// A term is a run of letters, digits and combining marks, lower-cased, compatibility-decomposed
// (NFKD: "ﬁ" → "fi", full-width → ASCII) and stripped of non-spacing marks ("é" → "e"); Chinese
// and Japanese characters are a term each, as those scripts put no space between words. So
// "Zoë.Ng@Example.com" is `zoe ng example com` and "usr-42" is `usr 42`. No stemming, no stop words.

/** Han, Hiragana, Katakana: each character is a term of its own. */
const IDEOGRAPH = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}';
const WORD = new RegExp(`[${IDEOGRAPH}]|(?:(?![${IDEOGRAPH}])[\\p{L}\\p{N}\\p{M}])+`, 'gu');
const NON_SPACING_MARKS = /\p{Mn}/gu;

/** A longer term is cut here (PostgreSQL refuses lexemes over 2 KB; nobody searches for 65 letters). */
export const TERM_MAX_CHARS = 64;
/** The last word of a query matches as a prefix once it has this many characters. */
export const PREFIX_MIN_CHARS = 2;
/** Terms one query may hold. */
export const QUERY_TERMS_MAX = 32;

function cut(term: string): string {
  const chars = Array.from(term);
  return chars.length > TERM_MAX_CHARS ? chars.slice(0, TERM_MAX_CHARS).join('') : term;
}

/** The terms one word of the original text stands for (NFKD may split it: "½" → 1, 2). */
function termsOfWord(word: string): string[] {
  const folded = word.toLowerCase().normalize('NFKD').replace(NON_SPACING_MARKS, '');
  return (folded.match(WORD) ?? []).map(cut);
}

/** The words of a text with where each starts and ends, and the terms it stands for. */
export function wordsOf(text: string): Array<{ start: number; end: number; terms: string[] }> {
  const words: Array<{ start: number; end: number; terms: string[] }> = [];
  for (const match of text.matchAll(WORD)) {
    const terms = termsOfWord(match[0]);
    if (terms.length > 0) words.push({ start: match.index, end: match.index + match[0].length, terms });
  }
  return words;
}

/** A document's terms, space-separated, as both engines index them. Empty: nothing to find it by. */
export function documentTerms(...texts: Array<string | null | undefined>): string {
  const terms = new Set<string>();
  for (const text of texts) if (text) for (const word of wordsOf(text)) for (const term of word.terms) terms.add(term);
  return [...terms].join(' ');
}

/** A query: every term must be in the same document; the last one may be a prefix. */
export interface SearchQuery {
  terms: string[];
  /** The last term matches any term it begins. */
  lastIsPrefix: boolean;
}

/** The query's terms, or undefined when it holds no letter or digit at all. */
export function parseQuery(text: string): SearchQuery | undefined {
  const terms: string[] = [];
  for (const word of wordsOf(text)) for (const term of word.terms) if (!terms.includes(term)) terms.push(term);
  if (terms.length === 0) return undefined;
  const last = terms[terms.length - 1]!;
  // A lone ideograph is a whole term already; a one-letter prefix would match half the index.
  const lastIsPrefix = Array.from(last).length >= PREFIX_MIN_CHARS;
  return { terms, lastIsPrefix };
}

/**
 * The query in FTS5's syntax: each term a quoted string (so `NEAR`, `-`, `:` or `*` typed by someone
 * are never operators; terms hold no quote), implicitly AND-ed, the last one marked as a prefix.
 */
export function fts5Query(query: SearchQuery): string {
  return query.terms
    .map((term, i) => `"${term.replaceAll('"', '""')}"${i === query.terms.length - 1 && query.lastIsPrefix ? '*' : ''}`)
    .join(' ');
}

/** The query as tsquery's input syntax: quoted lexemes (taken verbatim, no parser), AND-ed, the last `:*`. */
export function tsQuery(query: SearchQuery): string {
  return query.terms
    .map(
      (term, i) =>
        `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${i === query.terms.length - 1 && query.lastIsPrefix ? ':*' : ''}`,
    )
    .join(' & ');
}

/** Whether a document with these terms matches, exactly as the engines decide it. */
export function termsMatch(terms: string[], query: SearchQuery): boolean {
  const last = query.terms.length - 1;
  return query.terms.every((wanted, i) =>
    i === last && query.lastIsPrefix ? terms.some((term) => term.startsWith(wanted)) : terms.includes(wanted),
  );
}

function termMatches(term: string, query: SearchQuery): boolean {
  const last = query.terms.length - 1;
  return query.terms.some(
    (wanted, i) => term === wanted || (i === last && query.lastIsPrefix && term.startsWith(wanted)),
  );
}

/** Around the first word that matches: plain text, and where in it the matching words are (UTF-16 offsets). */
export interface Snippet {
  text: string;
  highlights: Array<[number, number]>;
}

const SNIPPET_CHARS = 160;
const SNIPPET_LEAD = 40;
const ELLIPSIS = '…';

function isLowSurrogate(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The snippet of `text` for `query`, or undefined when no word of it matches. */
export function snippetOf(original: string, query: SearchQuery): Snippet | undefined {
  const text = original.replace(/\s+/gu, ' ').trim();
  const hits = wordsOf(text).filter((word) => word.terms.some((term) => termMatches(term, query)));
  const first = hits[0];
  if (!first) return undefined;
  let start = Math.max(0, first.start - SNIPPET_LEAD);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space !== -1 && space < first.start ? space + 1 : first.start;
  }
  let end = Math.min(text.length, start + SNIPPET_CHARS);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > first.end) end = space;
    else if (isLowSurrogate(text, end)) end--;
  }
  const before = start > 0 ? ELLIPSIS : '';
  const after = end < text.length ? ELLIPSIS : '';
  const highlights = hits
    .filter((hit) => hit.start >= start && hit.end <= end)
    .map((hit): [number, number] => [hit.start - start + before.length, hit.end - start + before.length]);
  return { text: `${before}${text.slice(start, end)}${after}`, highlights };
}
