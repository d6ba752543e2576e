import type { TextSegment, ThreadMessage } from '@confab/core';

/** What the `launcher` snippet gets: it draws the launcher's content (the button, label and badge stay). */
export interface LauncherSnippetProps {
  open: boolean;
  unreadCount: number;
}

/** What the `message` snippet gets for one message: the message, who wrote it, its body as segments, when, and "seen". */
export interface MessageSnippetProps {
  message: ThreadMessage;
  author: string;
  segments: TextSegment[];
  /** When it was written, short, in the messenger's language. */
  time: string;
  /** The person's last message, read by the team. */
  seen: boolean;
}
