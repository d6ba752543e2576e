import type { MessageParts } from '@confab/core';

/** What the `launcher` snippet gets: it draws the launcher's content (the button, label and badge stay). */
export interface LauncherSnippetProps {
  open: boolean;
  unreadCount: number;
}

/** What the `message` snippet gets for one message: the message, who wrote it, its body as segments, when, and "seen". */
export type MessageSnippetProps = MessageParts;
