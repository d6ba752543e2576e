export type { LauncherSlotProps } from './confab-messenger';
export { ConfabMessenger } from './confab-messenger';
export type { ConfabContext, ConfabOptions } from './plugin';
export { confabKey, createConfab } from './plugin';
export type { UseIntercom } from './use-intercom';
export { useIntercom, useMessengerView } from './use-intercom';
export type { MessageSlotProps } from './views';
