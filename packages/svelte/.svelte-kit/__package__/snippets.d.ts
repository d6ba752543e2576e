import type { TextSegment, ThreadMessage } from '@confab/core';
/** What the `launcher` snippet gets: it draws the launcher's content (the button, label and badge stay). */
export interface LauncherSnippetProps {
    open: boolean;
    unreadCount: number;
}
/** What the `message` snippet gets for one message: the message, who wrote it, its body as segments. */
export interface MessageSnippetProps {
    message: ThreadMessage;
    author: string;
    segments: TextSegment[];
}
