/** The messenger's parts: every adapter renders these, marked `data-scope="confab" data-part="…"`. */
export const SCOPE = 'confab';
/** The attribute of the DOM adapter's shadow host: the page sees only that of its messenger. */
export const HOST_ATTRIBUTE = 'data-confab-host';
/** Any element of a Confab messenger, seen from the page (a component's root or a shadow host). */
export const OWN_UI_SELECTOR = `[data-scope="${SCOPE}"], [${HOST_ATTRIBUTE}]`;

export const parts = [
  'root',
  'launcher',
  'badge',
  'panel',
  'header',
  'title',
  'closeButton',
  'backButton',
  'view',
  'greeting',
  'conversationList',
  'conversationItem',
  'thread',
  'message',
  'avatar',
  'time',
  'seen',
  'typing',
  'composer',
  'input',
  'sendButton',
] as const;

export type Part = (typeof parts)[number];

export function partAttrs(part: Part): { 'data-scope': string; 'data-part': Part } {
  return { 'data-scope': SCOPE, 'data-part': part };
}

/** The launcher's chat icon (an SVG path, 24x24), the same in every adapter. */
export const CHAT_ICON_PATH =
  'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z';
