// The in-page probe, the same for the inbox and the baseline. Playwright adds it before any of the
// page's own scripts (a script evaluated on each new document over the DevTools protocol, so the
// inbox's Content-Security-Policy does not stop it). It keeps the Long Tasks API's entries and, in
// an animation-frame loop, looks for the first frame in which `rows` of the expected contact names
// are text on screen (a text node whose element has a box inside the viewport): that frame paints
// the first rows. Looking costs a walk over the page's text nodes per frame, on both pages alike.

export interface InPage {
  /** Page time (ms since navigation start) of the frame that showed the rows. */
  visible: number;
  /** The document's response fully arrived. */
  documentEnd: number;
  /** The last script or stylesheet the page loaded arrived (null: none). */
  assetsEnd: number | null;
  /** The conversations list request, if the page made one. */
  listStart: number | null;
  listEnd: number | null;
  /** Every API request before the rows: path (with its query), sent and answered. */
  api: Array<{ path: string; start: number; end: number }>;
  /** Long Tasks API entries (> 50 ms only); null where the API is missing. */
  longtasks: Array<{ start: number; duration: number }> | null;
}

export const VISIBLE_MARK = 'bench:rows-visible';

/** The probe's source: `names` are the first rows' contact names, `rows` how many must show. */
export function probeScript(names: string[], rows: number): string {
  return `(function () {
  if (window.__bench) return;
  var expected = new Set(${JSON.stringify(names)});
  var need = ${rows};
  var b = (window.__bench = { longtasks: [] });
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) { b.longtasks.push({ start: e.startTime, duration: e.duration }); });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { b.longtasks = null; }
  var resolve;
  b.done = new Promise(function (r) { resolve = r; });
  function onScreen(element) {
    var r = element.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  }
  function shown() {
    if (!document.body) return 0;
    var seen = new Set();
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var text = node.nodeValue.trim();
      if (expected.has(text) && !seen.has(text) && node.parentElement && onScreen(node.parentElement)) seen.add(text);
    }
    return seen.size;
  }
  function frame() {
    if (shown() >= need) {
      b.visible = performance.mark(${JSON.stringify(VISIBLE_MARK)}).startTime;
      resolve();
      return;
    }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  b.result = function () {
    var navigation = performance.getEntriesByType('navigation')[0];
    var resources = performance.getEntriesByType('resource');
    var assets = resources.filter(function (e) { return e.initiatorType === 'script' || e.initiatorType === 'link' || /\\.(js|css)$/.test(new URL(e.name).pathname); });
    var list = resources.filter(function (e) { return /\\/api\\/v1\\/apps\\/[^/]+\\/conversations$/.test(new URL(e.name).pathname); })[0];
    return {
      visible: b.visible,
      documentEnd: navigation.responseEnd,
      assetsEnd: assets.length ? Math.max.apply(null, assets.map(function (e) { return e.responseEnd; })) : null,
      listStart: list ? list.startTime : null,
      listEnd: list ? list.responseEnd : null,
      api: resources
        .filter(function (e) { return e.startTime < b.visible && new URL(e.name).pathname.indexOf('/api/') === 0; })
        .map(function (e) { var u = new URL(e.name); return { path: u.pathname + u.search, start: e.startTime, end: e.responseEnd }; }),
      longtasks: b.longtasks,
    };
  };
})();`;
}
