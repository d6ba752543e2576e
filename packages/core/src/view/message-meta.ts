// What the thread shows beside a message's body: the teammate's initials, and when it was written.

/** "Sam Lee" is "SL", "Sam" is "S": the first letter of the first and the last word. */
export function initialsOf(name: string): string {
  const words = name.match(/\S+/g) ?? [];
  return [words[0], words.length > 1 ? words.pop() : '']
    .map((word = '') => [...word][0] ?? '')
    .join('')
    .toUpperCase();
}

/** When a message was written, short, in the messenger's language ("Dec 3, 6:05 PM"); '' for a time that is none. */
export function messageTime(at: number, language: string): string {
  return Number.isFinite(at)
    ? new Date(at).toLocaleString(language, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' })
    : '';
}
