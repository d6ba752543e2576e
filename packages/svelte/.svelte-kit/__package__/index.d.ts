export { createIntercom } from './create-intercom';
export type { ConfabIntercom, IntercomOptions, IntercomStores } from './create-intercom';
export { default as ConfabMessenger } from './ConfabMessenger.svelte';
export { default as PanelContent } from './PanelContent.svelte';
export { default as MessageItem } from './MessageItem.svelte';
export type { LauncherSnippetProps, MessageSnippetProps } from './snippets';
