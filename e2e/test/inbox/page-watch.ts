// What a hostile string could make the inbox do, watched from outside the page: a dialog opened,
// the corpus's `window.__xss` flag set (in any frame, any document of the context), a
// Content-Security-Policy violation (the policy blocked a script or style the inbox tried to run),
// an uncaught error. Findings reach the test through a binding, so a navigation loses none.
import type { BrowserContext } from 'playwright-core';

export interface CspViolation {
  directive: string;
  blocked: string;
  sample: string;
  source: string;
}

export interface ContextWatch {
  /** Every value a payload assigned to `window.__xss`. */
  xss: string[];
  csp: CspViolation[];
  dialogs: string[];
  errors: string[];
  /** Console errors, kept to explain a failure (a failed image load is one and is not an attack). */
  consoleErrors: string[];
}

const REPORT = '__confabE2eReport';

/**
 * Runs in every document of the context before its own scripts (DevTools injects it, so the
 * page's CSP does not stop it): `window.__xss` becomes a setter that reports each assignment, and
 * CSP violations are reported as they happen.
 */
function installWatch(report: string) {
  const send = (kind: string, detail: unknown) =>
    (window as unknown as Record<string, (kind: string, detail: unknown) => void>)[report]!(kind, detail);
  Object.defineProperty(window, '__xss', {
    configurable: false,
    get: () => undefined,
    set: (value: unknown) => send('xss', String(value)),
  });
  document.addEventListener('securitypolicyviolation', (event) =>
    send('csp', {
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: `${event.sourceFile}:${event.lineNumber}`,
    }),
  );
}

/** Watches every page the context opens from now on. */
export async function watchContext(context: BrowserContext): Promise<ContextWatch> {
  const watch: ContextWatch = { xss: [], csp: [], dialogs: [], errors: [], consoleErrors: [] };
  await context.exposeBinding(REPORT, (_source, kind: string, detail: unknown) => {
    if (kind === 'xss') watch.xss.push(detail as string);
    if (kind === 'csp') watch.csp.push(detail as CspViolation);
  });
  await context.addInitScript(installWatch, REPORT);
  context.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  context.on('weberror', (error) => watch.errors.push(error.error().message));
  context.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  return watch;
}
