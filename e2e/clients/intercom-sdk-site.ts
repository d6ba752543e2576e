// A site using Intercom's official npm package (@intercom/messenger-js-sdk) exactly as its README
// shows, with only `widgetUrl` pointing at Confab's script. The test page says where that script
// is (and any more settings) in `window.siteConfig`; the test drives the package's functions
// through `window.site`.
// Imported as the package's README shows. This folder's package.json says it is not an ES-module
// package, as most sites' sources are not: inside one, a bundler reads a CommonJS package's
// default import as Node does (the whole module object), and the README's import fails.
import Intercom, {
  boot,
  getVisitorId,
  hide,
  onHide,
  onShow,
  onUnreadCountChange,
  show,
  showNewMessage,
  shutdown,
  trackEvent,
  update,
} from '@intercom/messenger-js-sdk';

interface SiteConfig {
  widgetUrl: string;
  settings?: Record<string, unknown>;
}

const page = window as unknown as { siteConfig: SiteConfig; site: unknown; hookLog: string[] };
const { widgetUrl, settings } = page.siteConfig;
const hookLog: string[] = [];
page.hookLog = hookLog;

Intercom({ app_id: 'acme', user_id: 'sdk-ada', email: 'ada@example.com', name: 'Ada', widgetUrl, ...settings });
onShow(() => hookLog.push('show'));
onHide(() => hookLog.push('hide'));
onUnreadCountChange((count: number) => hookLog.push(`unread:${count}`));

page.site = { boot, getVisitorId, hide, show, showNewMessage, shutdown, trackEvent, update };
