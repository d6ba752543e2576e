import type { View } from '../machine/messenger.types';

/** Where the panel stood at the last render (the view model's fields of the same names). */
export interface PanelPlace {
  open: boolean;
  view: View | null;
  draft: string;
  sending: boolean;
}

/**
 * What a render must do beyond drawing, from the panel's last place to its new one, the same for
 * every adapter: `open` (remember the focused element, focus into the panel at the view model's
 * `focusPart`), `move` (another view: focus there), `close` (focus back where it came from), and
 * `prefill` (the composer takes the view model's `draft`): on entering the new-message view or
 * leaving it (its text does not follow into a thread), when `showNewMessage(text)` changes the
 * draft there, and when a send from it failed (the text the adapter cleared comes back).
 */
export function panelTransition(
  previous: PanelPlace,
  next: PanelPlace,
): { focus: 'open' | 'move' | 'close' | null; prefill: boolean } {
  const viewChanged = next.view !== previous.view;
  const focus =
    next.open && !previous.open
      ? 'open'
      : next.open && viewChanged
        ? 'move'
        : !next.open && previous.open
          ? 'close'
          : null;
  const composing = next.view === 'newMessage' && !next.sending;
  const prefill =
    (viewChanged && (next.view === 'newMessage' || previous.view === 'newMessage')) ||
    (composing && !viewChanged && (next.draft !== previous.draft || previous.sending));
  return { focus, prefill };
}

/** Whether a thread's reader is at its newest message (within 40px): then a new one scrolls into sight. */
export function isAtThreadEnd(thread: { scrollHeight: number; scrollTop: number; clientHeight: number }): boolean {
  return thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
}
