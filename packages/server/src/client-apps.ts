// The browser code this server hands out beside its API, each from its package's build: the
// widget's script for sites (widget.ts) and the inbox, the team's app, at /inbox (inbox-files.ts).
import type { FastifyInstance } from 'fastify';
import { type ServedInbox, serveInbox } from './inbox-files';
import { type ServedWidget, serveWidget } from './widget';

export interface ClientApps {
  /** The widget's script file to serve at /confab.js and /confab.<hash>.js (builtWidgetFile() is @confab/dom's). */
  widget?: string;
  /** The built inbox's folder to serve at /inbox (builtInboxFolder() is where @confab/inbox builds it). */
  inbox?: string;
}

export interface ServedClientApps {
  widget?: ServedWidget;
  inbox?: ServedInbox;
}

export async function serveClientApps(app: FastifyInstance, apps: ClientApps): Promise<ServedClientApps> {
  return {
    ...(apps.widget === undefined ? {} : { widget: await serveWidget(app, apps.widget) }),
    ...(apps.inbox === undefined ? {} : { inbox: await serveInbox(app, apps.inbox) }),
  };
}
