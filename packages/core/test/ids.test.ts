import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomId } from '../src/platform/ids';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomId', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is a version-4 UUID', () => {
    expect(randomId()).toMatch(UUID_V4);
  });

  it('outside a secure context (plain http: no crypto.randomUUID) is still a version-4 UUID, and random', () => {
    const real = globalThis.crypto;
    // What a page on http://shop.example has: getRandomValues, but no randomUUID.
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) });
    expect(globalThis.crypto.randomUUID).toBeUndefined();
    const ids = Array.from({ length: 500 }, () => randomId());
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
