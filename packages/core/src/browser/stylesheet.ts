import type { LauncherSettings } from '../commands/settings';

/**
 * The messenger's stylesheet, shared by every adapter. Every rule is scoped under the root part
 * (`[data-scope="confab"][data-part="root"]`) and its classes are prefixed, so it is as safe in a
 * page's own DOM (the Vue and Svelte components) as in the DOM adapter's shadow root, where
 * `:host` also resets what the page would pass down. Plain text: adapters adopt it as a
 * constructed sheet, so a strict CSP (`style-src 'self'`) allows it.
 */
// Minified by hand, one rule a line (no spaces the parser drops, no quotes around identifier
// attribute values), and written with `~R` for the root part's selector, which scopes every rule:
// the script is smaller for it. Browsers parse it to the same rules as the spaced-out form.
export const MESSENGER_CSS = `
:host{all:initial}
~R,~R [data-part]{box-sizing:border-box;font-family:system-ui,sans-serif;font-size:14px;line-height:1.45;color:#1f2430}
~R [hidden]{display:none!important}
~R{position:fixed;inset:auto;z-index:var(--confab-z)}
~R [data-part=launcher]{position:fixed;bottom:var(--confab-v);right:var(--confab-h);z-index:var(--confab-z);width:56px;height:56px;border-radius:50%;border:0;padding:0;cursor:pointer;background:var(--confab-bg);color:#fff;box-shadow:0 4px 16px rgba(0,0,0,.2);display:grid;place-items:center;transition:transform .15s}
~R [data-part=launcher]:hover{transform:scale(1.06)}
~R [data-part=launcher]:focus-visible,~R button:focus-visible,~R textarea:focus-visible,~R input:focus-visible,~R a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
~R [data-part=launcher] svg{width:28px;height:28px;fill:currentColor}
~R [data-part=badge]{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;background:#e5484d;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center}
~R [data-part=panel]{position:fixed;bottom:calc(var(--confab-v) + 72px);right:var(--confab-h);z-index:var(--confab-z);width:380px;height:min(640px, calc(100vh - var(--confab-v) - 96px));display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(0,0,0,.22)}
~R[data-alignment=left] [data-part=launcher],~R[data-alignment=left] [data-part=panel]{right:auto;left:var(--confab-h)}
~R [data-part=header]{display:flex;align-items:center;gap:8px;padding:14px 12px;background:var(--confab-action);color:#fff}
~R [data-part=title]{flex:1;margin:0;font-size:16px;font-weight:600;color:inherit}
~R [data-part=closeButton],~R [data-part=backButton]{border:0;background:transparent;color:inherit;font-size:22px;line-height:1;width:32px;height:32px;border-radius:8px;cursor:pointer}
~R [data-part=closeButton]:hover,~R [data-part=backButton]:hover{background:rgba(255,255,255,.18)}
~R [data-part=view]{flex:1;display:flex;flex-direction:column;min-height:0;overflow:auto}
~R [data-part=greeting]{padding:24px 20px 8px;background:var(--confab-action);color:#fff}
~R [data-part=greeting] h3{margin:0 0 4px;font-size:24px;color:inherit}
~R [data-part=greeting] p{margin:0;opacity:.9;color:inherit}
~R .confab-card{margin:12px 16px;padding:14px 16px;border-radius:12px;border:1px solid #e4e7ee;background:#fff;text-align:left;width:calc(100% - 32px);cursor:pointer;display:block}
~R .confab-card:hover{border-color:var(--confab-action)}
~R .confab-card strong{display:block;margin-bottom:2px}
~R .confab-muted{color:#5d6475;font-size:13px}
~R [data-part=conversationList]{list-style:none;margin:0;padding:0}
~R [data-part=conversationItem]{display:flex;gap:8px;width:100%;padding:14px 18px;border:0;border-bottom:1px solid #eef0f4;background:#fff;text-align:left;cursor:pointer}
~R [data-part=conversationItem]:hover{background:#f6f7fb}
~R [data-part=conversationItem] .confab-preview{flex:1;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
~R [data-part=conversationItem][data-state=unread] .confab-preview{font-weight:700}
~R .confab-unread-mark{color:#e5484d;font-size:12px;font-weight:700}
~R .confab-empty{padding:32px 20px;text-align:center;color:#5d6475}
~R [data-part=thread]{flex:1;list-style:none;margin:0;padding:16px;display:flex;flex-direction:column;gap:8px;overflow:auto}
~R [data-part=message]{max-width:80%;padding:9px 13px;border-radius:14px;background:#f1f3f7;white-space:pre-wrap;overflow-wrap:anywhere;align-self:flex-start}
~R [data-part=message][data-author=person]{align-self:flex-end;background:var(--confab-action);color:#fff}
~R [data-part=message][data-author=person] a{color:#fff}
~R [data-part=message][data-state=sending]{opacity:.6}
~R [data-part=message][data-state=failed]{outline:2px solid #e5484d}
~R [data-part=message] .confab-author{display:block;font-size:12px;opacity:.75;color:inherit}
~R [data-part=avatar]{display:inline-grid;place-items:center;width:20px;height:20px;margin-right:6px;border-radius:50%;background:#e4e7ee;font-size:10px;vertical-align:middle;object-fit:cover}
~R [data-part=time],~R [data-part=seen]{display:block;font-size:11px;opacity:.75}
~R [data-part=typing]{margin:0 16px 8px;color:#5d6475;font-size:12px}
~R .confab-retry{margin-top:4px;border:0;background:transparent;color:inherit;text-decoration:underline;cursor:pointer;padding:0;font-size:12px}
~R [data-part=composer]{display:flex;gap:8px;padding:12px;border-top:1px solid #eef0f4;background:#fff}
~R [data-part=input]{flex:1;resize:none;min-height:40px;max-height:120px;padding:9px 12px;border:1px solid #d5d9e2;border-radius:10px;font:inherit;color:inherit}
~R [data-part=sendButton]{border:0;border-radius:10px;padding:0 16px;background:var(--confab-action);color:#fff;font-weight:600;cursor:pointer}
~R [data-part=sendButton]:disabled{opacity:.5;cursor:default}
~R .confab-email-prompt{display:flex;flex-wrap:wrap;gap:6px;padding:10px 12px;background:#f6f7fb;border-top:1px solid #eef0f4}
~R .confab-email-prompt label{width:100%;font-size:12px;color:#5d6475}
~R .confab-email-prompt input{flex:1;padding:6px 10px;border:1px solid #d5d9e2;border-radius:8px;font:inherit}
~R .confab-email-prompt button{border:0;border-radius:8px;padding:0 12px;background:var(--confab-action);color:#fff;cursor:pointer}
~R [role=alert]{margin:8px 12px;padding:8px 12px;border-radius:8px;background:#fff0f0;color:#a1262b;font-size:13px}
@media(max-width:450px){
~R [data-part=panel]{inset:0;width:100vw;height:100vh;max-height:none;border-radius:0}
~R[data-state=open] [data-part=launcher]{display:none}}
@media(prefers-reduced-motion:reduce){
~R [data-part=launcher]{transition:none}}
`
  .split('~R')
  .join('[data-scope=confab][data-part=root]');

/** The launcher settings as the custom properties the stylesheet reads; set on the root part. */
export function launcherCustomProperties(launcher: LauncherSettings): Record<string, string> {
  const action = launcher.actionColor ?? '#0b5cff';
  return {
    '--confab-action': action,
    '--confab-bg': launcher.backgroundColor ?? action,
    '--confab-h': `${launcher.horizontalPadding}px`,
    '--confab-v': `${launcher.verticalPadding}px`,
    '--confab-z': String(launcher.zIndex),
  };
}

/** What adopting the stylesheet needs of a page's `document` (injected; core reads no globals). */
export interface StylesheetDocument {
  readonly defaultView: { CSSStyleSheet?: new () => { replaceSync(css: string): void } } | null;
  adoptedStyleSheets?: unknown[];
  readonly head: { append(node: unknown): void };
  createElement(tag: 'style'): { textContent: string | null; remove(): void };
}

// One sheet per document (or shadow root), however many components mount: counted, removed with the last one.
const adopted = new WeakMap<object, { count: number; remove(): void }>();

/**
 * Adopts the stylesheet on `target`, a document or a shadow root (each has its own sheets), as a
 * constructed sheet, so a strict CSP allows it; where those are missing, a `<style>` element that
 * `append` places. Returns the release: the sheet goes with the last component using it.
 */
export function adoptStylesheetOn(
  target: { adoptedStyleSheets?: unknown[] },
  document: StylesheetDocument,
  append: (style: { textContent: string | null; remove(): void }) => void,
): () => void {
  let entry = adopted.get(target);
  if (!entry) {
    const Sheet = document.defaultView?.CSSStyleSheet;
    if (Sheet && 'replaceSync' in Sheet.prototype && Array.isArray(target.adoptedStyleSheets)) {
      const sheet = new Sheet();
      sheet.replaceSync(MESSENGER_CSS);
      target.adoptedStyleSheets = [...target.adoptedStyleSheets, sheet];
      entry = {
        count: 0,
        remove: () => (target.adoptedStyleSheets = target.adoptedStyleSheets!.filter((s) => s !== sheet)),
      };
    } else {
      const style = document.createElement('style');
      style.textContent = MESSENGER_CSS;
      append(style);
      entry = { count: 0, remove: () => style.remove() };
    }
    adopted.set(target, entry);
  }
  entry.count += 1;
  const current = entry;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    current.count -= 1;
    if (current.count === 0) {
      current.remove();
      adopted.delete(target);
    }
  };
}

/** The stylesheet for a page's own DOM (the Vue and Svelte components; every rule is scoped under the root part). */
export function adoptMessengerStylesheet(document: StylesheetDocument): () => void {
  return adoptStylesheetOn(document, document, (style) => document.head.append(style));
}
