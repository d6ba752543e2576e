/**
 * Intercom's update rule: 20 `update` calls per 30 minutes per page load. The window opens at
 * the first call it admits and resets 30 minutes later; past 20 calls, updates wait for the reset.
 */
export const UPDATE_LIMIT = 20;
export const UPDATE_WINDOW_MS = 30 * 60 * 1000;

export interface UpdateWindow {
  /** When the current window opened (epoch ms), or null before the first update. */
  openedAt: number | null;
  /** Updates admitted in the current window. */
  count: number;
}

export const freshUpdateWindow: UpdateWindow = { openedAt: null, count: 0 };

function expired(window: UpdateWindow, now: number): boolean {
  return window.openedAt === null || now >= window.openedAt + UPDATE_WINDOW_MS;
}

/** Whether an update made at `now` may go out. */
export function canAdmitUpdate(window: UpdateWindow, now: number): boolean {
  return expired(window, now) || window.count < UPDATE_LIMIT;
}

/** The window after admitting one update at `now` (call only when canAdmitUpdate). */
export function admitUpdate(window: UpdateWindow, now: number): UpdateWindow {
  return expired(window, now) ? { openedAt: now, count: 1 } : { openedAt: window.openedAt, count: window.count + 1 };
}

/** Milliseconds until a full window resets (0 when it already has). */
export function msUntilReset(window: UpdateWindow, now: number): number {
  if (window.openedAt === null) return 0;
  return Math.max(0, window.openedAt + UPDATE_WINDOW_MS - now);
}
