// The inbox tests' watchers, proven on pages that do what the watchers look for: an XSS watcher
// that never fires, or an accessibility check that cannot run under a strict CSP, would pass
// every inbox test while proving nothing.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './browser';
import { seriousAccessibilityIssues } from './inbox/axe';
import { watchContext } from './inbox/page-watch';
import { type Site, startSite } from './site';

const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'";

let browser: Browser;
let site: Site;

beforeAll(async () => {
  site = await startSite();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

it('a payload that runs is caught: the window flag set, across a navigation, and the dialog it opens', async () => {
  const context = await browser.newContext();
  const watch = await watchContext(context);
  const page = await context.newPage();
  site.page({ html: '<!doctype html><title>t</title><script>window.__xss = 1; alert("xss")</script>' });
  await page.goto(site.url);
  site.page({ html: '<!doctype html><title>t</title><img src=x onerror="window.__xss=2">' });
  await page.goto(site.url);
  await expect.poll(() => watch.xss).toEqual(['1', '2']);
  expect(watch.dialogs).toEqual(['alert: xss']);
  await context.close();
});

it('under a strict CSP, an injected inline script or handler is reported as a violation', async () => {
  const context = await browser.newContext();
  const watch = await watchContext(context);
  const page = await context.newPage();
  site.page({
    html: '<!doctype html><title>t</title><div id="x"></div><script src="/site.js"></script>',
    script: `document.getElementById('x').innerHTML = '<img src=x onerror="window.__xss=3">';`,
    csp: STRICT_CSP,
  });
  await page.goto(site.url);
  await expect.poll(() => watch.csp.map((violation) => violation.directive)).toContain('script-src-attr');
  expect(watch.xss).toEqual([]);
  expect(watch.errors).toEqual([]);
  await context.close();
});

it('axe-core runs under a strict CSP and reports a serious issue (an image without a text alternative)', async () => {
  const context = await browser.newContext();
  const watch = await watchContext(context);
  const page = await context.newPage();
  site.page({
    html: '<!doctype html><html lang="en"><title>t</title><main><h1>Hi</h1><img src="/none.png"></main></html>',
    csp: STRICT_CSP,
  });
  await page.goto(site.url);
  expect((await seriousAccessibilityIssues(page)).map((issue) => issue.id)).toEqual(['image-alt']);
  expect(watch.csp).toEqual([]);
  await context.close();
});
