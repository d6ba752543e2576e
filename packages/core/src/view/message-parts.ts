// What a framework adapter hands an app's own message rendering (Vue's `message` slot, Svelte's
// snippet, React's `renderMessage`): one message and what the thread shows beside it.
import type { ThreadMessage } from '../machine/messenger.types';
import type { MessengerView } from './connect';
import { type TextSegment, textSegments } from './text-segments';

export interface MessageParts {
  message: ThreadMessage;
  /** Who wrote it, as the thread labels it. */
  author: string;
  /** Its body as text and link segments: never markup. */
  segments: TextSegment[];
  /** When it was written, short, in the messenger's language. */
  time: string;
  /** The person's last message, read by the team. */
  seen: boolean;
}

export function messageParts(view: MessengerView, message: ThreadMessage): MessageParts {
  return {
    message,
    author: view.authorOf(message),
    segments: textSegments(message.body),
    time: view.timeOf(message),
    seen: view.seenMessageId === message.id,
  };
}
