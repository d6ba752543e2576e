import type { MessengerView } from '@confab/core';
import type { Snippet } from 'svelte';
import type { MessageSnippetProps } from './snippets';
type $$ComponentProps = {
    view: MessengerView;
    message?: Snippet<[MessageSnippetProps]> | undefined;
};
declare const PanelContent: import("svelte").Component<$$ComponentProps, {}, "">;
type PanelContent = ReturnType<typeof PanelContent>;
export default PanelContent;
