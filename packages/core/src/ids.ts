/** A random id for visitors, devices, events and messages; Web Crypto exists in every runtime core supports. */
export function randomId(): string {
  return globalThis.crypto.randomUUID();
}
