import type { LauncherSettings } from '@confab/core';

/**
 * The messenger's styles, adopted by its shadow root as constructed style sheets: nothing from
 * the page reaches in (`all: initial` stops inherited fonts and colours too), nothing leaks out,
 * and no `<style>` element or style attribute is needed, so a strict CSP (`style-src 'self'`)
 * allows it.
 *
 * The sheet is its own file, read as text (`?raw`): Vite reads it so in tests, and the build
 * minifies it on the way in (tsup.config.ts).
 */
import BASE_CSS from './messenger.css?raw';

export { BASE_CSS };

/** The launcher settings as custom properties; values were validated by core (colours by pattern). */
export function launcherCss(launcher: LauncherSettings): string {
  const action = launcher.actionColor ?? '#0b5cff';
  return `:host { --confab-action: ${action}; --confab-bg: ${launcher.backgroundColor ?? action}; --confab-h: ${launcher.horizontalPadding}px; --confab-v: ${launcher.verticalPadding}px; --confab-z: ${launcher.zIndex}; }`;
}

/** Adopted sheets where the browser has them; a `<style>` element otherwise (older engines). */
export function createSheets(root: ShadowRoot): { setLauncherCss(css: string): void } {
  const view = root.ownerDocument.defaultView as (Window & typeof globalThis) | null;
  const Sheet = view?.CSSStyleSheet;
  if (Sheet && 'replaceSync' in Sheet.prototype && 'adoptedStyleSheets' in root) {
    const base = new Sheet();
    base.replaceSync(BASE_CSS);
    const dynamic = new Sheet();
    root.adoptedStyleSheets = [base, dynamic];
    return { setLauncherCss: (css) => dynamic.replaceSync(css) };
  }
  const base = root.ownerDocument.createElement('style');
  base.textContent = BASE_CSS;
  const dynamic = root.ownerDocument.createElement('style');
  root.append(base, dynamic);
  return {
    setLauncherCss: (css) => {
      dynamic.textContent = css;
    },
  };
}
