import type { LauncherSettings } from '@confab/core';

/**
 * The messenger's styles, adopted by its shadow root as constructed style sheets: nothing from
 * the page reaches in (`all: initial` stops inherited fonts and colours too), nothing leaks out,
 * and no `<style>` element or style attribute is needed, so a strict CSP (`style-src 'self'`)
 * allows it.
 */
export const BASE_CSS = `
:host { all: initial; }
[data-part] { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 14px; line-height: 1.45; color: #1f2430; }
[hidden] { display: none !important; }
[data-part="root"] { position: fixed; inset: auto; z-index: var(--confab-z); }
[data-part="launcher"] { position: fixed; bottom: var(--confab-v); right: var(--confab-h); z-index: var(--confab-z); width: 56px; height: 56px; border-radius: 50%; border: 0; padding: 0; cursor: pointer; background: var(--confab-bg); color: #fff; box-shadow: 0 4px 16px rgba(0,0,0,.2); display: grid; place-items: center; transition: transform .15s; }
[data-part="launcher"]:hover { transform: scale(1.06); }
[data-part="launcher"]:focus-visible, button:focus-visible, textarea:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
[data-part="launcher"] svg { width: 28px; height: 28px; fill: currentColor; }
[data-part="badge"] { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px; padding: 0 6px; border-radius: 11px; background: #e5484d; color: #fff; font-size: 12px; font-weight: 700; line-height: 22px; text-align: center; }
[data-part="panel"] { position: fixed; bottom: calc(var(--confab-v) + 72px); right: var(--confab-h); z-index: var(--confab-z); width: 380px; height: min(640px, calc(100vh - var(--confab-v) - 96px)); display: flex; flex-direction: column; background: #fff; border-radius: 16px; overflow: hidden; box-shadow: 0 12px 48px rgba(0,0,0,.22); }
[data-alignment="left"] [data-part="launcher"], [data-alignment="left"] [data-part="panel"] { right: auto; left: var(--confab-h); }
[data-part="header"] { display: flex; align-items: center; gap: 8px; padding: 14px 12px; background: var(--confab-action); color: #fff; }
[data-part="title"] { flex: 1; margin: 0; font-size: 16px; font-weight: 600; color: inherit; }
[data-part="closeButton"], [data-part="backButton"] { border: 0; background: transparent; color: inherit; font-size: 22px; line-height: 1; width: 32px; height: 32px; border-radius: 8px; cursor: pointer; }
[data-part="closeButton"]:hover, [data-part="backButton"]:hover { background: rgba(255,255,255,.18); }
[data-part="view"] { flex: 1; display: flex; flex-direction: column; min-height: 0; overflow: auto; }
[data-part="greeting"] { padding: 24px 20px 8px; background: var(--confab-action); color: #fff; }
[data-part="greeting"] h3 { margin: 0 0 4px; font-size: 24px; color: inherit; }
[data-part="greeting"] p { margin: 0; opacity: .9; color: inherit; }
.card { margin: 12px 16px; padding: 14px 16px; border-radius: 12px; border: 1px solid #e4e7ee; background: #fff; text-align: left; width: calc(100% - 32px); cursor: pointer; display: block; }
.card:hover { border-color: var(--confab-action); }
.card strong { display: block; margin-bottom: 2px; }
.muted { color: #5d6475; font-size: 13px; }
[data-part="conversationList"] { list-style: none; margin: 0; padding: 0; }
[data-part="conversationItem"] { display: flex; gap: 8px; width: 100%; padding: 14px 18px; border: 0; border-bottom: 1px solid #eef0f4; background: #fff; text-align: left; cursor: pointer; }
[data-part="conversationItem"]:hover { background: #f6f7fb; }
[data-part="conversationItem"] .preview { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
[data-part="conversationItem"][data-state="unread"] .preview { font-weight: 700; }
.unread-mark { color: #e5484d; font-size: 12px; font-weight: 700; }
.empty { padding: 32px 20px; text-align: center; color: #5d6475; }
[data-part="thread"] { flex: 1; list-style: none; margin: 0; padding: 16px; display: flex; flex-direction: column; gap: 8px; overflow: auto; }
[data-part="message"] { max-width: 80%; padding: 9px 13px; border-radius: 14px; background: #f1f3f7; white-space: pre-wrap; overflow-wrap: anywhere; align-self: flex-start; }
[data-part="message"][data-author="person"] { align-self: flex-end; background: var(--confab-action); color: #fff; }
[data-part="message"][data-author="person"] a { color: #fff; }
[data-part="message"][data-state="sending"] { opacity: .6; }
[data-part="message"][data-state="failed"] { outline: 2px solid #e5484d; }
[data-part="message"] .author { display: block; font-size: 12px; opacity: .75; color: inherit; }
.retry { margin-top: 4px; border: 0; background: transparent; color: inherit; text-decoration: underline; cursor: pointer; padding: 0; font-size: 12px; }
[data-part="composer"] { display: flex; gap: 8px; padding: 12px; border-top: 1px solid #eef0f4; background: #fff; }
[data-part="input"] { flex: 1; resize: none; min-height: 40px; max-height: 120px; padding: 9px 12px; border: 1px solid #d5d9e2; border-radius: 10px; font: inherit; color: inherit; }
[data-part="sendButton"] { border: 0; border-radius: 10px; padding: 0 16px; background: var(--confab-action); color: #fff; font-weight: 600; cursor: pointer; }
[data-part="sendButton"]:disabled { opacity: .5; cursor: default; }
.email-prompt { display: flex; flex-wrap: wrap; gap: 6px; padding: 10px 12px; background: #f6f7fb; border-top: 1px solid #eef0f4; }
.email-prompt label { width: 100%; font-size: 12px; color: #5d6475; }
.email-prompt input { flex: 1; padding: 6px 10px; border: 1px solid #d5d9e2; border-radius: 8px; font: inherit; }
.email-prompt button { border: 0; border-radius: 8px; padding: 0 12px; background: var(--confab-action); color: #fff; cursor: pointer; }
[role="alert"] { margin: 8px 12px; padding: 8px 12px; border-radius: 8px; background: #fff0f0; color: #a1262b; font-size: 13px; }
@media (max-width: 450px) {
  [data-part="panel"] { inset: 0; width: 100vw; height: 100vh; max-height: none; border-radius: 0; }
  [data-part="root"][data-state="open"] [data-part="launcher"] { display: none; }
}
@media (prefers-reduced-motion: reduce) { [data-part="launcher"] { transition: none; } }
`;

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
