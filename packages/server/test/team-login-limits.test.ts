// Password guessing is limited per account and per client address (429 with Retry-After),
// whether the email exists or not, and a burst of parallel guesses is cut off as surely.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, parseConfig } from '../src';
import { call, startTestServer, type TestServer } from './server-harness';
import { addTeammate } from './teammates-harness';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    // Behind a trusted proxy, so each test picks its client address with X-Forwarded-For.
    trustProxy: true,
    rateLimits: { ...DEFAULT_RATE_LIMITS, perIp: 100_000, perSession: 100_000, loginPerAccount: 3, loginPerIp: 5 },
  });
});
afterAll(() => server.stop());

const login = (email: string, password: string, ip: string) =>
  call(server, 'POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

describe('login limits', () => {
  it('per account: past 3 failures, 429 with Retry-After, even for the right password from another address', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
      expect((await login(agent.email, 'wrong guess', ip)).status).toBe(401);
    const limited = await login(agent.email, agent.password, '10.0.0.4');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited' });
    expect(limited.body.error.message).toMatch(/this account/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.getSetCookie()).toEqual([]);
  });

  it('an unknown email is limited alike (no telling which accounts exist)', async () => {
    const answers = [];
    for (const ip of ['10.1.0.1', '10.1.0.2', '10.1.0.3', '10.1.0.4'])
      answers.push((await login('nobody-here@example.com', 'guess', ip)).status);
    expect(answers).toEqual([401, 401, 401, 429]);
  });

  it('a successful login gives its attempt back: a teammate who signs in daily is never locked out', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    for (let day = 0; day < 6; day++)
      expect((await login(agent.email, agent.password, `10.2.0.${day}`)).status).toBe(200);
  });

  it('per address: past 5 attempts over any accounts, 429', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await login(`spray-${i}@example.com`, 'Summer2026!', '10.3.0.1')).status);
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await login('spray-x@example.com', 'guess', '10.3.0.1');
    expect(limited.body.error.message).toMatch(/this address/);
  });

  it('a burst of parallel guesses gets no more tries than the limit', async () => {
    const agent = await addTeammate(server, { role: 'agent' });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => login(agent.email, `parallel guess ${i}`, `10.4.0.${i}`)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });

  it('are set by --rate-limit-login-account and --rate-limit-login-ip (or their variables)', () => {
    const config = parseConfig(['--rate-limit-login-account', '4'], { CONFAB_RATE_LIMIT_LOGIN_IP: '40' });
    expect(config === 'help' ? undefined : config.rateLimits).toMatchObject({ loginPerAccount: 4, loginPerIp: 40 });
    const defaults = parseConfig([], {});
    expect(defaults === 'help' ? undefined : defaults.rateLimits).toMatchObject({
      loginPerAccount: 10,
      loginPerIp: 50,
    });
  });
});
