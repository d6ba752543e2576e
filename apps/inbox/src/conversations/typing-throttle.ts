// The teammate's typing reaches the visitor at most once per interval (API.md "Typing": the server
// allows 10 per 20 s; the messenger shows a notice for a few seconds, so one every 3 s keeps it lit).

export const TYPING_SENT_EVERY_MS = 3_000;

export interface TypingThrottle {
  /** Call on every keystroke: sends when the last send is at least the interval ago. */
  typed(): void;
  /** Call after the message is sent: the next keystroke is news again. */
  reset(): void;
}

export function typingThrottle(send: () => void, now: () => number, everyMs = TYPING_SENT_EVERY_MS): TypingThrottle {
  let last = Number.NEGATIVE_INFINITY;
  return {
    typed() {
      const at = now();
      if (at - last < everyMs) return;
      last = at;
      send();
    },
    reset() {
      last = Number.NEGATIVE_INFINITY;
    },
  };
}
