/**
 * Lets React apply what changed: its scheduler runs on macrotasks (useSyncExternalStore's updates
 * on a microtask), so a few turns of the event loop render and commit everything pending. With
 * `until`, waits (a bounded number of turns) for that to hold.
 */
export async function rendered(until?: () => boolean): Promise<void> {
  for (let turn = 0; turn < 50; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (!until ? turn >= 2 : until()) return;
  }
  throw new Error('React did not render what the test waited for');
}
