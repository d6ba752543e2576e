import { type Snippet } from 'svelte';
import type { ConfabIntercom } from './create-intercom';
import type { LauncherSnippetProps, MessageSnippetProps } from './snippets';
type $$ComponentProps = {
    intercom: ConfabIntercom;
    launcher?: Snippet<[LauncherSnippetProps]>;
    message?: Snippet<[MessageSnippetProps]>;
};
declare const ConfabMessenger: import("svelte").Component<$$ComponentProps, {}, "">;
type ConfabMessenger = ReturnType<typeof ConfabMessenger>;
export default ConfabMessenger;
