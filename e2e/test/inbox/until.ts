// Waiting for a condition outside a test (in a beforeAll's seeding, where vitest's expect.poll is
// not allowed): checked every 50 ms, given up after 10 s like expect.poll in this project.
export async function until(check: () => Promise<boolean> | boolean, what: () => string): Promise<void> {
  const giveUpAt = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
