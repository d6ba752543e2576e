// A React 19 site using react-use-intercom as its README shows. That package always loads
// Intercom's own script, unless `window.Intercom` is already a function: so the page loads Confab's
// script with a plain tag before this bundle. The test page passes props in `window.siteConfig`
// and drives the hook's functions through `window.site`; the provider's callbacks log to `window.hookLog`.
import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { type IntercomProps, IntercomProvider, useIntercom } from 'react-use-intercom';

interface SiteConfig {
  apiBase?: string;
  autoBootProps?: IntercomProps;
}

const page = window as unknown as { siteConfig: SiteConfig; site: unknown; hookLog: string[] };
const { apiBase, autoBootProps } = page.siteConfig;
const hookLog: string[] = [];
page.hookLog = hookLog;

function Account() {
  const intercom = useIntercom();
  useEffect(() => {
    page.site = intercom;
  }, [intercom]);
  return <p id="messenger-state">{intercom.isOpen ? 'open' : 'closed'}</p>;
}

createRoot(document.getElementById('app')!).render(
  <IntercomProvider
    appId="acme"
    autoBoot
    autoBootProps={autoBootProps ?? { userId: 'react-ada', email: 'ada@example.com', name: 'Ada' }}
    onShow={() => hookLog.push('show')}
    onHide={() => hookLog.push('hide')}
    onUnreadCountChange={(count) => hookLog.push(`unread:${count}`)}
    {...(apiBase ? { apiBase } : {})}
  >
    <Account />
  </IntercomProvider>,
);
