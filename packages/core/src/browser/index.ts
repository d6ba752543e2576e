// @confab/core/browser: what needs a page (document, window, cookies): the messenger started on a
// page, its platform, and the pieces the adapters draw with.

export { isCloseKey, isSendKey } from '../view/keys';
export type { AdapterOptions, BrowserMessenger, PageWindow } from './browser-messenger';
export { startBrowserMessenger } from './browser-messenger';
export type { BrowserPlatform, BrowserWindow } from './browser-platform';
export { createBrowserPlatform } from './browser-platform';
export type { CookieDocument, CookieStorageOptions, WebStorage } from './cookie-storage';
export { createCookieStorage } from './cookie-storage';
export type { ClickSource } from './custom-launcher';
export { watchCustomLauncher } from './custom-launcher';
export { type FocusableElement, focusReturnTarget } from './focus-return';
export { createPanelBehaviour, type RenderedRoot } from './panel-behaviour';
export type { PanelPlace } from './panel-transition';
export { isAtThreadEnd, panelTransition } from './panel-transition';
export { activeElementAt, adoptStylesheetAt, type DrawnNode } from './root-node';
export type { StylesheetDocument } from './stylesheet';
export { adoptMessengerStylesheet, adoptStylesheetOn, launcherCustomProperties, MESSENGER_CSS } from './stylesheet';
