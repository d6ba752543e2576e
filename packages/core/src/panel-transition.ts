import type { View } from './messenger.types';

/** Where the panel stood at the last render. */
export interface PanelPlace {
  open: boolean;
  view: View | null;
}

/**
 * What a render must do beyond drawing, from the panel's last place to its new one, the same for
 * every adapter: `open` (remember the focused element, focus into the panel at the view model's
 * `focusPart`), `move` (another view: focus there), `close` (focus back where it came from), and
 * `prefill` (the new-message view was entered: the composer takes the view model's `draft`).
 */
export function panelTransition(previous: PanelPlace, next: PanelPlace): { focus: 'open' | 'move' | 'close' | null; prefill: boolean } {
  const viewChanged = next.view !== previous.view;
  const focus = next.open && !previous.open ? 'open' : next.open && viewChanged ? 'move' : !next.open && previous.open ? 'close' : null;
  return { focus, prefill: viewChanged && next.view === 'newMessage' };
}
