/** Escape closes the panel, except while an input method composes (then it only cancels that). */
export function isCloseKey(event: { key: string; isComposing: boolean }): boolean {
  return event.key === 'Escape' && !event.isComposing;
}

/** Enter sends, Shift+Enter is a new line, as in every messenger; never while an input method composes. */
export function isSendKey(event: { key: string; shiftKey: boolean; isComposing: boolean }): boolean {
  return event.key === 'Enter' && !event.shiftKey && !event.isComposing;
}
