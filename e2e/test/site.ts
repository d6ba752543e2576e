import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WIDGET_PATH } from './build-widget';

export interface Site {
  url: string;
  /** Sets the page served at `/`, its own script at `/site.js`, and its Content-Security-Policy header. */
  page(page: { html: string; script?: string; csp?: string }): void;
  close(): Promise<void>;
}

/**
 * The site a visitor is on: its own origin, serving a page and, at `/confab.js`, the widget
 * script, as a site that self-hosts the script would. Other paths are 404.
 */
export async function startSite(): Promise<Site> {
  const widget = readFileSync(WIDGET_PATH);
  let html = '<!doctype html><title>empty</title>';
  let csp: string | undefined;
  let siteScript = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/confab.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(widget);
    } else if (path === '/' || path === '/index.html') {
      res
        .writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          ...(csp ? { 'content-security-policy': csp } : {}),
        })
        .end(html);
    } else if (path === '/site.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(siteScript);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    page(next) {
      html = next.html;
      csp = next.csp;
      siteScript = next.script ?? '';
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Intercom's standard loader snippet, as sites paste it (with the script's address changed):
 * a stub that queues calls as `arguments` objects, then the script loaded asynchronously.
 */
export function loaderSnippet(scriptUrl: string): string {
  return `(function(){var w=window;var ic=w.Intercom;if(typeof ic==="function"){ic('reattach_activator');ic('update',w.intercomSettings);}else{var d=document;var i=function(){i.c(arguments);};i.q=[];i.c=function(args){i.q.push(args);};w.Intercom=i;var l=function(){var s=d.createElement('script');s.type='text/javascript';s.async=true;s.src=${JSON.stringify(scriptUrl)};var x=d.getElementsByTagName('script')[0];x.parentNode.insertBefore(s,x);};if(document.readyState==='complete'){l();}else if(w.attachEvent){w.attachEvent('onload',l);}else{w.addEventListener('load',l,false);}}})();`;
}
