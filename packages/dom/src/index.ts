export { installIntercom } from './install';
export type { ConfabPage, InstallOptions, InstalledIntercom } from './install';
export { mountMessenger } from './renderer';
export type { MountedMessenger } from './renderer';
export { readSnippetQueue } from './snippet-queue';
export { linkify } from './linkify';
