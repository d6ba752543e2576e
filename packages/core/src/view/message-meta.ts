// What the thread shows beside a message's body: the teammate's picture (or initials), and when.
import { safeHref } from './text-segments';

/** A teammate's picture is shown only from http(s): any other scheme (javascript:, data:) gets initials. */
export const avatarSrc = (url: unknown): string | null => (typeof url === 'string' ? safeHref(url) : null);

/** "Sam Lee" is "SL", "Sam" is "S": the first letter of the first and the last word. */
export function initialsOf(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  const first = (word = '') => [...word][0] ?? '';
  return (first(words[0]) + (words.length > 1 ? first(words[words.length - 1]) : '')).toUpperCase();
}

/** When a message was written, short: the hour today, the day and hour before (in the messenger's language). */
export function messageTime(at: number, now: number, language: string): string {
  if (!Number.isFinite(at)) return '';
  const date = new Date(at);
  return date.toLocaleString(language, {
    ...(date.toDateString() === new Date(now).toDateString() ? {} : { month: 'short', day: 'numeric' }),
    hour: 'numeric',
    minute: '2-digit',
  });
}
