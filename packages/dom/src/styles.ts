import { adoptStylesheetOn, launcherCustomProperties, type LauncherSettings } from '@confab/core';

/**
 * The launcher settings as custom properties on the shadow host: core's stylesheet reads them.
 * Values were validated by core (colours by pattern).
 */
export function launcherCss(launcher: LauncherSettings): string {
  const properties = Object.entries(launcherCustomProperties(launcher)).map(([name, value]) => `${name}: ${value};`);
  return `:host { ${properties.join(' ')} }`;
}

/** Adopted sheets where the browser has them; a `<style>` element otherwise (older engines). */
export function createSheets(root: ShadowRoot): { setLauncherCss(css: string): void } {
  // The messenger's own sheet as every adapter adopts it; the launcher's settings in a second one after it.
  adoptStylesheetOn(root, root.ownerDocument, (style) => root.append(style as HTMLStyleElement));
  const view = root.ownerDocument.defaultView as (Window & typeof globalThis) | null;
  const Sheet = view?.CSSStyleSheet;
  if (Sheet && 'replaceSync' in Sheet.prototype && 'adoptedStyleSheets' in root) {
    const dynamic = new Sheet();
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, dynamic];
    return { setLauncherCss: (css) => dynamic.replaceSync(css) };
  }
  const dynamic = root.ownerDocument.createElement('style');
  root.append(dynamic);
  return {
    setLauncherCss: (css) => {
      dynamic.textContent = css;
    },
  };
}
