// The team stream as a teammate's client reads it: GET /api/v1/apps/:app_id/stream with fetch in
// Node, each Server-Sent Event's data collected as it arrives.

// biome-ignore lint/suspicious/noExplicitAny: a test reads events by the shape it expects; the server's tests check their types.
export type TeamStreamEvent = Record<string, any> & { type: string };

/**
 * Opens the app's team stream with a bearer token. It is listening once this resolves (the
 * server subscribes before it answers the headers); `events` fills as they come.
 */
export async function openTeamStream(serverUrl: string, appId: string, token: string) {
  const abort = new AbortController();
  const response = await fetch(`${serverUrl}/api/v1/apps/${appId}/stream`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  if (response.status !== 200 || !response.body) throw new Error(`team stream: ${response.status}`);
  const events: TeamStreamEvent[] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    const reader = response.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffered += decoder.decode(chunk.value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        const data = buffered
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data) events.push(JSON.parse(data) as TeamStreamEvent);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  return {
    events,
    async close() {
      abort.abort();
      await reading;
    },
  };
}
