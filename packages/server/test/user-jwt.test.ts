// intercom_user_jwt: a JWT the site's backend signs (HS256, the app's secret). Its claims are the
// proven identity; an expired, forged, unsigned or otherwise-signed token is refused, nothing written.
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHash } from '../src';
import {
  boot,
  bootRequest,
  call,
  messenger,
  startTestServer,
  TEAM_TOKEN,
  type TestServer,
  tableCounts,
  team,
} from './server-harness';

const SECRET = 'identity-secret-0123456789';
const key = (secret: string) => new TextEncoder().encode(secret);

function userJwt(
  claims: Record<string, unknown>,
  options: { secret?: string; alg?: string; expiresIn?: string | number } = {},
) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(key(options.secret ?? SECRET));
}

let verified: TestServer;
let open: TestServer;
beforeAll(async () => {
  [verified, open] = await Promise.all([startTestServer({ secret: SECRET }), startTestServer()]);
});
afterAll(() => Promise.all([verified.stop(), open.stop()]));

const bootWith = (server: TestServer, identity: Record<string, unknown>, attributes: Record<string, unknown> = {}) =>
  call(server, 'POST', `${messenger()}/boot`, { body: bootRequest({ identity, attributes }) });

describe('a valid intercom_user_jwt', () => {
  it('boots the user its claims name: user_id, email and name win over what the page sent unsigned', async () => {
    const token = await userJwt({ user_id: 'jwt-1', email: 'jo@example.com', name: 'Jo Signed' }, { expiresIn: '1h' });
    const answer = await bootWith(
      verified,
      { user_id: 'someone-else', email: 'typo@example.com', intercom_user_jwt: token },
      { name: 'Page Name' },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.person).toMatchObject({
      role: 'user',
      user_id: 'jwt-1',
      email: 'jo@example.com',
      name: 'Jo Signed',
    });
    const again = await bootWith(verified, { intercom_user_jwt: await userJwt({ user_id: 'jwt-1' }) });
    expect(again.body.person.id).toBe(answer.body.person.id);
  });

  it("a signed email claim is a proven key: the same email's user_hash boot reaches that record", async () => {
    const token = await userJwt({ user_id: 'jwt-2', email: 'kim@example.com' });
    const byJwt = await bootWith(verified, { intercom_user_jwt: token });
    const byEmail = await boot(verified, {
      identity: { email: 'kim@example.com', user_hash: userHash(SECRET, 'kim@example.com') },
    });
    expect(byEmail.person.id).toBe(byJwt.body.person.id);
    // Booting later with the user_id's user_hash and the same email keeps the email proven.
    await boot(verified, {
      identity: { user_id: 'jwt-2', email: 'kim@example.com', user_hash: userHash(SECRET, 'jwt-2') },
    });
    const contacts = await call(verified, 'GET', `${team()}/contacts?email=kim@example.com`, { token: TEAM_TOKEN });
    expect(contacts.body.contacts.map((c: { email_verified: boolean }) => c.email_verified)).toEqual([true]);
  });

  it('without an email claim, the email the page sent is stored unproven and never a key', async () => {
    const attacker = await bootWith(verified, {
      email: 'lee@example.com',
      intercom_user_jwt: await userJwt({ user_id: 'jwt-att' }),
    });
    expect(attacker.body.person.email).toBe('lee@example.com');
    const lee = await boot(verified, {
      identity: { email: 'lee@example.com', user_hash: userHash(SECRET, 'lee@example.com') },
    });
    expect(lee.person.id).not.toBe(attacker.body.person.id);
  });

  it('an update may carry the JWT too; beside a JWT a user_hash is not checked', async () => {
    const token = await userJwt({ user_id: 'jwt-3', name: 'Max' });
    const user = await bootWith(verified, { user_hash: '0'.repeat(64), intercom_user_jwt: token });
    expect(user.status).toBe(200);
    const updated = await call(verified, 'POST', `${messenger()}/update`, {
      token: user.body.session.token,
      body: {
        identity: {
          intercom_user_jwt: await userJwt({ user_id: 'jwt-3', email: 'max@example.com', name: 'Max Signed' }),
        },
        attributes: { name: 'Unsigned' },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.person).toMatchObject({ user_id: 'jwt-3', email: 'max@example.com', name: 'Max Signed' });
  });

  it("an update cannot lay another user's signed email on the session's user: 403, nothing written", async () => {
    const ana = await bootWith(verified, { intercom_user_jwt: await userJwt({ user_id: 'jwt-ana' }) });
    const before = await tableCounts(verified);
    const answer = await call(verified, 'POST', `${messenger()}/update`, {
      token: ana.body.session.token,
      body: {
        identity: { intercom_user_jwt: await userJwt({ user_id: 'jwt-bo', email: 'bo@example.com' }) },
        attributes: { name: 'Bo' },
      },
    });
    expect(answer.status).toBe(403);
    expect(answer.body.error).toMatchObject({ code: 'forbidden', field: 'identity.user_id' });
    expect(await tableCounts(verified)).toEqual(before);
    const bo = await boot(verified, {
      identity: { email: 'bo@example.com', user_hash: userHash(SECRET, 'bo@example.com') },
    });
    expect(bo.person.id).not.toBe(ana.body.person.id);
  });
});

describe('a refused intercom_user_jwt: 401 naming the field and the reason, nothing written', () => {
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ['expired', () => userJwt({ user_id: 'jwt-x' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), /expired/],
    [
      'forged (another secret)',
      () => userJwt({ user_id: 'jwt-x' }, { secret: 'not-the-app-secret-0000' }),
      /signature does not match/,
    ],
    ['alg none', async () => new UnsecuredJWT({ user_id: 'jwt-x' }).encode(), /HS256/],
    ['alg HS512 with the right secret', () => userJwt({ user_id: 'jwt-x' }, { alg: 'HS512' }), /HS256/],
    ['without a user_id claim', () => userJwt({ email: 'x@example.com' }), /user_id claim/],
    ['with a user_id claim that is not a string', () => userJwt({ user_id: { id: 1 } }), /claim user_id/],
    ['not a JWT at all', async () => 'not.a.jwt', /well-formed/],
  ];
  for (const [what, make, reason] of cases) {
    it(what, async () => {
      const token = await make();
      const before = await tableCounts(verified);
      const booted = await bootWith(verified, {
        user_id: 'jwt-x',
        user_hash: userHash(SECRET, 'jwt-x'),
        intercom_user_jwt: token,
      });
      expect(booted.status).toBe(401);
      expect(booted.body.error).toMatchObject({
        code: 'unauthorized',
        field: 'identity.intercom_user_jwt',
        message: expect.stringMatching(reason),
      });
      expect(await tableCounts(verified)).toEqual(before);
    });
  }

  it('an expired token on update is refused and the person is unchanged', async () => {
    const user = await bootWith(verified, { intercom_user_jwt: await userJwt({ user_id: 'jwt-4' }) });
    const expired = await userJwt({ user_id: 'jwt-4', name: 'Late' }, { expiresIn: Math.floor(Date.now() / 1000) - 1 });
    const before = await tableCounts(verified);
    const answer = await call(verified, 'POST', `${messenger()}/update`, {
      token: user.body.session.token,
      body: { identity: { intercom_user_jwt: expired }, attributes: { name: 'Late' } },
    });
    expect(answer.status).toBe(401);
    expect(answer.body.error.field).toBe('identity.intercom_user_jwt');
    expect(await tableCounts(verified)).toEqual(before);
    const contact = await call(verified, 'GET', `${team()}/contacts/${user.body.person.id}`, { token: TEAM_TOKEN });
    expect(contact.body.name).toBeUndefined();
  });
});

describe('without a secret', () => {
  it('a JWT is not checked and its claims are not used: nothing can be proven', async () => {
    const answer = await bootWith(open, {
      user_id: 'plain-1',
      intercom_user_jwt: await userJwt({ user_id: 'jwt-claimed', name: 'Claimed' }),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.person).toMatchObject({ user_id: 'plain-1' });
    expect(answer.body.person.name).toBeUndefined();
  });
});
