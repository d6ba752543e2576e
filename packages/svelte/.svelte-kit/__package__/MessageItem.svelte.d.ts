import { type MessengerView, type ThreadMessage } from '@confab/core';
import type { Snippet } from 'svelte';
import type { MessageSnippetProps } from './snippets';
type $$ComponentProps = {
    view: MessengerView;
    message: ThreadMessage;
    snippet?: Snippet<[MessageSnippetProps]> | undefined;
};
declare const MessageItem: import("svelte").Component<$$ComponentProps, {}, "">;
type MessageItem = ReturnType<typeof MessageItem>;
export default MessageItem;
