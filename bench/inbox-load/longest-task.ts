// The longest task of a page load from a Chrome trace (categories as the DevTools Performance
// panel records them): the longest RunTask on the renderer main thread that overlaps the window
// from navigation start to the probe's mark, with what it mostly was.

export const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'blink.user_timing'];

export interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { data?: { url?: string } & Record<string, unknown> } & Record<string, unknown>;
}

export interface LongestTask {
  /** ms */
  duration: number;
  /** Its longest devtools.timeline event, e.g. `EvaluateScript /inbox/assets/index.js 80.1 ms`. */
  what: string;
}

/**
 * `mark` names the probe's user-timing mark and `markAt` its page time: the mark's trace
 * timestamp turns page times into trace times, and its thread is the page's main thread.
 */
export function longestTask(trace: Buffer, mark: string, markAt: number): LongestTask {
  const parsed = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const marked = events.find((e) => e.name === mark);
  if (!marked) throw new Error(`no ${mark} mark in the trace`);
  const onMain = (e: TraceEvent) => e.pid === marked.pid && e.tid === marked.tid;
  const from = marked.ts - markAt * 1000;
  const to = marked.ts;
  let longest: TraceEvent | undefined;
  for (const e of events) {
    if (e.ph !== 'X' || !onMain(e) || (e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask')) continue;
    if (e.ts < to && e.ts + (e.dur ?? 0) > from && (e.dur ?? 0) > (longest?.dur ?? -1)) longest = e;
  }
  if (!longest) throw new Error('no RunTask between navigation and the rows in the trace');
  // What it mostly was: its longest devtools.timeline event (Layout, EvaluateScript…) if that
  // covers a quarter of it, else its longest event of any kind (e.g. a navigation's commit, which
  // shows as one "Receive mojo message").
  const end = longest.ts + longest.dur!;
  const inside = events.filter(
    (e) => e.ph === 'X' && onMain(e) && e !== longest && e.ts >= longest.ts && e.ts + (e.dur ?? 0) <= end,
  );
  const longestOf = (list: TraceEvent[]) =>
    list.reduce<TraceEvent | undefined>((best, e) => ((e.dur ?? 0) > (best?.dur ?? -1) ? e : best), undefined);
  const timeline = longestOf(inside.filter((e) => e.cat?.includes('devtools.timeline')));
  const what =
    timeline && timeline.dur! >= longest.dur! / 4
      ? timeline
      : longestOf(inside.filter((e) => !e.name.endsWith('RunTask')));
  const url = what?.args?.data?.url;
  const label = what
    ? `${what.name}${url ? ` ${new URL(String(url)).pathname}` : ''} ${(what.dur! / 1000).toFixed(1)} ms`
    : 'no devtools.timeline event';
  return { duration: longest.dur! / 1000, what: label };
}
