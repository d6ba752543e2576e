export { default as ConfabMessenger } from './ConfabMessenger.svelte';
export type { ConfabIntercom, IntercomOptions, IntercomStores } from './create-intercom';
export { createIntercom } from './create-intercom';
export { default as MessageItem } from './MessageItem.svelte';
export { default as PanelContent } from './PanelContent.svelte';
export type { LauncherSnippetProps, MessageSnippetProps } from './snippets';
