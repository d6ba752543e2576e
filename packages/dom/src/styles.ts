import type { LauncherSettings } from '@confab/core';
import { launcherCustomProperties, MESSENGER_CSS } from '@confab/core/browser';

/**
 * The launcher settings as custom properties on the shadow host: core's stylesheet reads them.
 * Values were validated by core (colours by pattern).
 */
export function launcherCss(launcher: LauncherSettings): string {
  const properties = Object.entries(launcherCustomProperties(launcher)).map(([name, value]) => `${name}: ${value};`);
  return `:host { ${properties.join(' ')} }`;
}

/**
 * Adopted sheets where the browser has them; a `<style>` element otherwise (older engines). Not
 * core's adoptStylesheetOn: this shadow root lives exactly as long as the widget, so it needs
 * none of that one's counting, which would cost the size-budgeted script 0.13 KB gzip.
 */
export function createSheets(root: ShadowRoot): { setLauncherCss(css: string): void } {
  const view = root.ownerDocument.defaultView as (Window & typeof globalThis) | null;
  const Sheet = view?.CSSStyleSheet;
  if (Sheet && 'replaceSync' in Sheet.prototype && 'adoptedStyleSheets' in root) {
    const base = new Sheet();
    base.replaceSync(MESSENGER_CSS);
    const dynamic = new Sheet();
    root.adoptedStyleSheets = [base, dynamic];
    return { setLauncherCss: (css) => dynamic.replaceSync(css) };
  }
  const base = root.ownerDocument.createElement('style');
  base.textContent = MESSENGER_CSS;
  const dynamic = root.ownerDocument.createElement('style');
  root.append(base, dynamic);
  return {
    setLauncherCss: (css) => {
      dynamic.textContent = css;
    },
  };
}
