// The browser code this server hands out beside its API, each from its package's build: the
// widget's script for sites (widget.ts). The inbox, the team's app, is mounted here too once it
// exists (under /inbox/, its assets precompressed and content-hashed as the widget's are).
import type { FastifyInstance } from 'fastify';
import { type ServedWidget, serveWidget } from './widget';

export interface ClientApps {
  /** The widget's script file to serve at /confab.js and /confab.<hash>.js (builtWidgetFile() is @confab/dom's). */
  widget?: string;
}

export interface ServedClientApps {
  widget?: ServedWidget;
}

export async function serveClientApps(app: FastifyInstance, apps: ClientApps): Promise<ServedClientApps> {
  return apps.widget === undefined ? {} : { widget: await serveWidget(app, apps.widget) };
}
