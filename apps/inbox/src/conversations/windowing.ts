// Windowed rendering: only the rows in (or near) the viewport are in the DOM, so a list of 10,000
// conversations costs what a screenful does. Rows have one fixed height.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Rows kept beyond each edge, so a fast scroll does not show blank space. */
  overscan?: number;
}

/** The rows to render, `start` included and `end` excluded. */
export function visibleRange({ scrollTop, viewportHeight, rowHeight, count, overscan = 8 }: WindowInput): {
  start: number;
  end: number;
} {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, first + shown + overscan);
  return { start, end };
}

/** Whether the viewport is close enough to the end of the loaded rows to ask for the next page. */
export function nearEnd({ scrollTop, viewportHeight, rowHeight, count }: WindowInput, threshold = 20): boolean {
  return scrollTop + viewportHeight >= (count - threshold) * rowHeight;
}
