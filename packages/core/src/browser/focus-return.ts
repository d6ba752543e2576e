import { OWN_UI_SELECTOR } from '../view/anatomy';

/** What focus handling touches of an element (core reads no DOM globals: adapters pass their own). */
export interface FocusableElement {
  readonly isConnected: boolean;
  focus(): void;
}

/**
 * Where focus returns when the panel closes: to what had it when the panel opened, if that is
 * still on the page, was not the page's body (the panel opened by `Intercom('show')` with
 * nothing focused) and is not part of a messenger; else to the launcher, when one is drawn.
 * Null: leave focus where it is.
 */
export function focusReturnTarget(
  opener: unknown,
  body: unknown,
  launcher: FocusableElement | null,
): FocusableElement | null {
  // Inside a messenger (this one's launcher, or another component's panel on the same page): its
  // own launcher is the place, not a button that may be hidden by now.
  const candidate = opener as (Partial<FocusableElement> & { closest?(selector: string): unknown }) | null;
  return candidate?.isConnected &&
    candidate !== body &&
    !candidate.closest?.(OWN_UI_SELECTOR) &&
    typeof candidate.focus === 'function'
    ? (candidate as FocusableElement)
    : launcher;
}
