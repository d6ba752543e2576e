export type { ConfabMessengerProps, LauncherRenderProps } from './confab-messenger';
export { ConfabMessenger } from './confab-messenger';
export type { ConfabProviderProps } from './confab-provider';
export { ConfabProvider } from './confab-provider';
export type { AbsentProduct, IntercomFunctions } from './intercom-functions';
export type { IntercomCompanyProps, IntercomProps } from './intercom-props';
export type { UseIntercom } from './use-intercom';
export { useIntercom, useMessengerView } from './use-intercom';
export type { MessageRenderProps, RenderMessage } from './views';
