export type { ConfabPage, InstalledIntercom, InstallOptions } from './install';
export { installIntercom } from './install';
export { linkify } from './linkify';
export type { MountedMessenger } from './renderer';
export { mountMessenger } from './renderer';
export { readSnippetQueue } from './snippet-queue';
