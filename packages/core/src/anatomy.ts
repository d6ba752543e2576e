/** The messenger's parts: every adapter renders these, marked `data-scope="confab" data-part="…"`. */
export const SCOPE = 'confab';

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
  'composer',
  'input',
  'sendButton',
] as const;

export type Part = (typeof parts)[number];

export function partAttrs(part: Part): { 'data-scope': string; 'data-part': Part } {
  return { 'data-scope': SCOPE, 'data-part': part };
}
