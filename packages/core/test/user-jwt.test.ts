// intercom_user_jwt is a known setting: validated, never a custom attribute, sent to the server
// with boot and update, and read (unverified) only to tell one person from the next.
import { describe, expect, it } from 'vitest';
import type { BootRequest, UpdateRequest } from '../src/protocol';
import { createHarness } from '../src/testing';

const base64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
/** A JWT-shaped token; the server checks its signature, core never does. */
const userJwt = (claims: object) => `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}.c2lnbmF0dXJl`;

function recordingHarness() {
  const sent: { boots: BootRequest[]; updates: UpdateRequest[] } = { boots: [], updates: [] };
  const h = createHarness({
    transport: (base) => ({
      ...base,
      boot: (request) => {
        sent.boots.push(request);
        return base.boot(request);
      },
      update: (session, patch) => {
        sent.updates.push(patch);
        return base.update(session, patch);
      },
    }),
  });
  return { h, sent };
}

describe('intercom_user_jwt', () => {
  it('travels with boot and update as identity, never as a custom attribute', async () => {
    const { h, sent } = recordingHarness();
    const first = userJwt({ user_id: 'u1', email: 'ada@example.com' });
    h.Intercom('boot', { app_id: 'acme', user_id: 'u1', intercom_user_jwt: first });
    await h.clock.settle();
    const renewed = userJwt({ user_id: 'u1', name: 'Ada' });
    h.Intercom('update', { intercom_user_jwt: renewed });
    await h.clock.settle();
    expect(h.warnings).toEqual([]);
    expect(sent.boots[0]!.identity).toEqual({ user_id: 'u1', intercom_user_jwt: first });
    expect(sent.boots[0]!.attributes.custom_attributes).toBeUndefined();
    expect(sent.updates[0]!.identity).toEqual({ intercom_user_jwt: renewed });
    expect(sent.updates[0]!.attributes.custom_attributes).toBeUndefined();
  });

  it("a template's null or '' counts as absent", async () => {
    const { h, sent } = recordingHarness();
    h.Intercom('boot', { app_id: 'acme', intercom_user_jwt: null });
    h.Intercom('update', { intercom_user_jwt: '' });
    await h.clock.settle();
    expect(h.warnings).toEqual([]);
    expect(sent.boots[0]!.identity).toEqual({});
  });

  it('a boot with the JWT of another user (no user_id beside it) shuts the first one down', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', intercom_user_jwt: userJwt({ user_id: 'alice' }) });
    await h.clock.settle();
    h.Intercom('boot', { app_id: 'acme', intercom_user_jwt: userJwt({ user_id: 'bob' }) });
    await h.clock.settle();
    expect(h.server.calls()).toMatchObject({ boot: 2 });
    expect(h.server.calls().update).toBeUndefined();
    expect(h.server.sessionCount()).toBe(1);
  });

  it('a boot with a renewed JWT of the same user acts as update', async () => {
    const h = createHarness();
    h.Intercom('boot', { app_id: 'acme', intercom_user_jwt: userJwt({ user_id: 'alice', exp: 1 }) });
    await h.clock.settle();
    h.Intercom('boot', { app_id: 'acme', intercom_user_jwt: userJwt({ user_id: 'alice', exp: 2 }) });
    await h.clock.settle();
    expect(h.server.calls()).toMatchObject({ boot: 1, update: 1 });
  });
});
