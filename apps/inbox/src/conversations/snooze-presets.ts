// Snooze presets as pure functions of the clock, in the teammate's local time.

export interface SnoozePreset {
  id: 'later-today' | 'tomorrow' | 'next-week';
  label: string;
  /** Epoch ms the conversation wakes at. */
  until: number;
}

const HOUR = 3_600_000;
/** The hour of the day the next-day presets wake at (the start of a working day). */
export const MORNING_HOUR = 9;

/** Three hours from now, on the next full hour. */
export function laterToday(now: number): number {
  const at = new Date(now + 3 * HOUR);
  if (at.getMinutes() !== 0 || at.getSeconds() !== 0 || at.getMilliseconds() !== 0) {
    at.setMinutes(0, 0, 0);
    at.setHours(at.getHours() + 1);
  }
  return at.getTime();
}

/** Tomorrow morning. */
export function tomorrow(now: number): number {
  const at = new Date(now);
  at.setDate(at.getDate() + 1);
  at.setHours(MORNING_HOUR, 0, 0, 0);
  return at.getTime();
}

/** Next Monday morning (a week on when today is Monday). */
export function nextWeek(now: number): number {
  const at = new Date(now);
  const daysToMonday = (8 - at.getDay()) % 7 || 7;
  at.setDate(at.getDate() + daysToMonday);
  at.setHours(MORNING_HOUR, 0, 0, 0);
  return at.getTime();
}

export function snoozePresets(now: number): SnoozePreset[] {
  return [
    { id: 'later-today', label: 'Later today', until: laterToday(now) },
    { id: 'tomorrow', label: 'Tomorrow', until: tomorrow(now) },
    { id: 'next-week', label: 'Next week', until: nextWeek(now) },
  ];
}
