import type { Messenger } from '../messenger';
import type { Logger } from '../platform/logger';
import { OWN_UI_SELECTOR } from '../view/anatomy';

/** A click as the page's `document` reports it (injected: core reads no globals). */
export interface PageClick {
  target: unknown;
  preventDefault(): void;
  /** Every node the click went through, inside shadow roots too (absent in old engines). */
  composedPath?(): unknown[];
}

/** The click events of a page's `document`, and a query to check a selector with. */
export interface ClickSource {
  addEventListener(type: 'click', listener: (event: PageClick) => void): void;
  removeEventListener(type: 'click', listener: (event: PageClick) => void): void;
  querySelector?(selector: string): unknown;
}

interface PathElement {
  matches?(selector: string): boolean;
}

/**
 * `custom_launcher_selector` (every browser adapter): a click on any element matching it toggles
 * the messenger, also on elements the page adds later, so the listener is delegated from the
 * document rather than attached to the elements found at boot. The click's composed path is
 * matched, so an element inside a web component's shadow root counts too.
 */
export function watchCustomLauncher(document: ClickSource, messenger: Messenger, logger: Logger): () => void {
  let warnedFor: string | undefined;
  const warnInvalid = (selector: string) => {
    if (warnedFor === selector) return;
    warnedFor = selector;
    logger.warn(`[Confab] custom_launcher_selector ${JSON.stringify(selector)} is not a valid CSS selector`);
  };

  const onClick = (event: PageClick) => {
    const view = messenger.getView();
    const selector = view.launcher.customLauncherSelector;
    if (!selector || !view.booted) return;
    const path = (
      typeof event.composedPath === 'function' ? event.composedPath() : [event.target]
    ) as Array<PathElement | null>;
    let match = false;
    try {
      for (const node of path) {
        if (!node || typeof node.matches !== 'function') continue;
        // Confab's own UI: its launcher toggles the panel itself, and must not toggle it twice.
        if (node.matches(OWN_UI_SELECTOR)) return;
        if (!match && node.matches(selector)) match = true;
      }
    } catch {
      warnInvalid(selector);
      return;
    }
    if (!match) return;
    event.preventDefault();
    view.toggle();
  };

  // Said at boot (or at the update that sets it), not at the first click somewhere on the page.
  let checked: string | undefined;
  const checkSelector = () => {
    const selector = messenger.getView().launcher.customLauncherSelector;
    if (!selector || selector === checked || typeof document.querySelector !== 'function') return;
    checked = selector;
    try {
      document.querySelector(selector);
    } catch {
      warnInvalid(selector);
    }
  };

  document.addEventListener('click', onClick);
  const unsubscribe = messenger.subscribe(checkSelector);
  checkSelector();
  return () => {
    unsubscribe();
    document.removeEventListener('click', onClick);
  };
}
