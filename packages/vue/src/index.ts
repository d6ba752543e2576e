export { createConfab, confabKey } from './plugin';
export type { ConfabOptions, ConfabContext } from './plugin';
export { useIntercom, useMessengerView } from './use-intercom';
export type { UseIntercom } from './use-intercom';
export { ConfabMessenger } from './confab-messenger';
export type { LauncherSlotProps } from './confab-messenger';
export type { MessageSlotProps } from './views';
