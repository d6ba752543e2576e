// @confab/core/browser: what needs a page (document, window, cookies): the messenger started on a
// page, its platform, and the pieces the adapters draw with.
export { startBrowserMessenger } from './browser-messenger';
export type { AdapterOptions, BrowserMessenger, PageWindow } from './browser-messenger';
export { createBrowserPlatform } from './browser-platform';
export type { BrowserPlatform, BrowserWindow } from './browser-platform';
export { createCookieStorage } from './cookie-storage';
export type { CookieDocument, CookieStorageOptions, WebStorage } from './cookie-storage';
export { watchCustomLauncher } from './custom-launcher';
export type { ClickSource } from './custom-launcher';
export { MESSENGER_CSS, launcherCustomProperties, adoptMessengerStylesheet, adoptStylesheetOn } from './stylesheet';
export type { StylesheetDocument } from './stylesheet';
export { activeElementAt, adoptStylesheetAt, type DrawnNode } from './root-node';
export { focusReturnTarget, type FocusableElement } from './focus-return';
export { isCloseKey, isSendKey } from '../view/keys';
export { isAtThreadEnd, panelTransition } from './panel-transition';
export type { PanelPlace } from './panel-transition';
export { createPanelBehaviour, type RenderedRoot } from './panel-behaviour';
