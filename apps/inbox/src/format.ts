// Small text helpers every screen shares: times, initials, and the one gate a URL from data passes
// before it becomes a link or an image.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** How long ago `ms` was, short as an inbox list shows it: `now`, `5m`, `3h`, `2d`, then `Mar 4` (`Mar 4, 2025` in another year). */
export function timeAgo(ms: number, now: number = Date.now()): string {
  const elapsed = Math.max(0, now - ms);
  if (elapsed < MINUTE) return 'now';
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)}m`;
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)}h`;
  if (elapsed < 7 * DAY) return `${Math.floor(elapsed / DAY)}d`;
  const date = new Date(ms);
  const day = `${MONTHS[date.getMonth()]} ${date.getDate()}`;
  return date.getFullYear() === new Date(now).getFullYear() ? day : `${day}, ${date.getFullYear()}`;
}

/** The local time of day of `ms`, 24-hour: `09:05`. */
export function clock(ms: number): string {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** When a snoozed conversation wakes, in local time: `Mon 09:00` (the week's day is enough: a preset is at most a week on). */
export function wakeTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/**
 * Up to two characters for an avatar: the first letter or digit of the first and of the last word
 * (`Ada Lovelace` → `AL`); words with neither are skipped, so markup or punctuation never becomes an
 * initial (`<script>alert(1)</script>` → `S`); `?` when no word has one.
 */
export function initials(name: string | null | undefined): string {
  const firsts = (name ?? '')
    .normalize('NFC')
    .split(/\s+/)
    .map((word) => word.match(/[\p{L}\p{N}]/u)?.[0])
    .filter((first): first is string => first !== undefined);
  if (firsts.length === 0) return '?';
  const first = firsts[0]!;
  const last = firsts.length > 1 ? firsts[firsts.length - 1]! : '';
  return (first + last).toUpperCase();
}

/**
 * `url` when it is an absolute http(s) URL (as the URL parser normalises it), else undefined:
 * `javascript:`, `data:`, relative and malformed URLs never become a link or an image source.
 */
export function safeHttpUrl(url: string | null | undefined): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
}
