// Which values decide whose record a request reaches. With a secret, only a signed value is a key:
// an email nobody signed is stored for the team to see, and never matched by an email lookup.
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
  team,
} from './server-harness';

const SECRET = 'identity-secret-0123456789';
const signed = (value: string) => userHash(SECRET, value);

let verified: TestServer;
let open: TestServer;
beforeAll(async () => {
  [verified, open] = await Promise.all([startTestServer({ secret: SECRET }), startTestServer()]);
});
afterAll(() => Promise.all([verified.stop(), open.stop()]));

async function conversationIds(server: TestServer, token: string): Promise<string[]> {
  const answer = await call(server, 'GET', `${messenger()}/conversations`, { token });
  expect(answer.status).toBe(200);
  return (answer.body as Array<{ id: string }>).map((c) => c.id);
}

async function contactsByEmail(server: TestServer, email: string) {
  const answer = await call(server, 'GET', `${team()}/contacts?email=${encodeURIComponent(email)}`, {
    token: TEAM_TOKEN,
  });
  return answer.body.contacts as Array<{ id: string; email: string; email_verified: boolean }>;
}

describe('an email no signature proves, with a secret', () => {
  it("the attack: an email planted next to a signed user_id; Carol's email-only boot gets her own record and the attacker sees nothing of hers", async () => {
    const attacker = await boot(verified, { identity: { user_id: 'att-1', user_hash: signed('att-1') } });
    const planted = await call(verified, 'POST', `${messenger()}/update`, {
      token: attacker.session.token,
      body: { identity: { user_id: 'att-1', email: 'carol@example.com', user_hash: signed('att-1') }, attributes: {} },
    });
    // Stored for the team to see, as the attacker's own unproven claim.
    expect(planted.status).toBe(200);

    const carol = await boot(verified, {
      identity: { email: 'carol@example.com', user_hash: signed('carol@example.com') },
    });
    expect(carol.person.id).not.toBe(attacker.person.id);
    expect(carol.person).toMatchObject({ role: 'user', email: 'carol@example.com' });
    expect(carol.person.user_id).toBeUndefined();
    expect(carol.conversations).toEqual([]);

    const started = await call(verified, 'POST', `${messenger()}/conversations`, {
      token: carol.session.token,
      body: { body: 'My card ending 4242 was charged twice', client_id: 'carol-1' },
    });
    expect(started.status).toBe(200);
    expect(await conversationIds(verified, carol.session.token)).toEqual([started.body.conversation.id]);
    expect(await conversationIds(verified, attacker.session.token)).toEqual([]);

    // Carol booting again reaches the same record of hers.
    const again = await boot(verified, {
      identity: { email: 'carol@example.com', user_hash: signed('carol@example.com') },
    });
    expect(again.person.id).toBe(carol.person.id);

    const contacts = await contactsByEmail(verified, 'carol@example.com');
    expect(contacts.map((c) => [c.id, c.email_verified])).toEqual([
      [attacker.person.id, false],
      [carol.person.id, true],
    ]);
  });

  it("Carol's record first, then the same email planted: her email-only boot still reaches her own record", async () => {
    const carol = await boot(verified, {
      identity: { email: 'carol2@example.com', user_hash: signed('carol2@example.com') },
    });
    const attacker = await boot(verified, {
      identity: { user_id: 'att-2', email: 'carol2@example.com', user_hash: signed('att-2') },
    });
    expect(attacker.person.id).not.toBe(carol.person.id);
    const again = await boot(verified, {
      identity: { email: 'carol2@example.com', user_hash: signed('carol2@example.com') },
    });
    expect(again.person.id).toBe(carol.person.id);
  });

  it('a lead who names a signed user_id with an unsigned email becomes that user only, never the owner of the email', async () => {
    const carol = await boot(verified, {
      identity: { email: 'carol3@example.com', user_hash: signed('carol3@example.com') },
    });
    await call(verified, 'POST', `${messenger()}/conversations`, {
      token: carol.session.token,
      body: { body: 'private', client_id: 'carol3-1' },
    });
    const lead = await boot(verified);
    const login = await call(verified, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { user_id: 'att-3', email: 'carol3@example.com', user_hash: signed('att-3') }, attributes: {} },
    });
    expect(login.status).toBe(200);
    expect(login.body.person).toMatchObject({ id: lead.person.id, user_id: 'att-3' });
    expect(await conversationIds(verified, lead.session.token)).toEqual([]);
  });

  it("a user_id's record with an unsigned email does not answer to that email; the email's signed record does", async () => {
    const byEmail = await boot(verified, {
      identity: { email: 'dana@example.com', user_hash: signed('dana@example.com') },
    });
    const byId = await boot(verified, {
      identity: { user_id: 'dana-1', email: 'dana@example.com', user_hash: signed('dana-1') },
    });
    expect(byId.person.id).not.toBe(byEmail.person.id);
    expect((await contactsByEmail(verified, 'dana@example.com')).map((c) => [c.id, c.email_verified])).toEqual([
      [byEmail.person.id, true],
      [byId.person.id, false],
    ]);
    const again = await boot(verified, {
      identity: { email: 'dana@example.com', user_hash: signed('dana@example.com') },
    });
    expect(again.person.id).toBe(byEmail.person.id);
  });
});

describe("a lead's email, with a secret", () => {
  it('a lead answering the email prompt (update with an email alone, unsigned) is kept as a lead with an unproven email', async () => {
    const carol = await boot(verified, {
      identity: { email: 'carol4@example.com', user_hash: signed('carol4@example.com') },
    });
    const lead = await boot(verified);
    const supplied = await call(verified, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { email: 'carol4@example.com' }, attributes: {} },
    });
    expect(supplied.status).toBe(200);
    expect(supplied.body.person).toMatchObject({ id: lead.person.id, role: 'lead', email: 'carol4@example.com' });
    const again = await boot(verified, {
      identity: { email: 'carol4@example.com', user_hash: signed('carol4@example.com') },
    });
    expect(again.person.id).toBe(carol.person.id);
  });

  it('a boot naming an email alone still needs its user_hash, and a wrong one on update is refused', async () => {
    const unsigned = await call(verified, 'POST', `${messenger()}/boot`, {
      body: bootRequest({ identity: { email: 'fay@example.com' } }),
    });
    expect(unsigned.status).toBe(401);
    const lead = await boot(verified);
    const wrong = await call(verified, 'POST', `${messenger()}/update`, {
      token: lead.session.token,
      body: { identity: { email: 'fay@example.com', user_hash: signed('other@example.com') }, attributes: {} },
    });
    expect(wrong.status).toBe(401);
  });
});

describe('without a secret nothing is proven', () => {
  it('an email lookup matches any stored email, as it always has (the rule the README warns about)', async () => {
    const first = await boot(open, { identity: { user_id: 'open-1', email: 'erin@example.com' } });
    const byEmail = await boot(open, { identity: { email: 'erin@example.com' } });
    expect(byEmail.person.id).toBe(first.person.id);
    expect((await contactsByEmail(open, 'erin@example.com')).map((c) => c.email_verified)).toEqual([false]);
  });
});
