// Teammates' passwords. scrypt from Node's own crypto rather than argon2id from a native addon:
// scrypt is memory-hard too, and with no prebuilt binary to fetch the server installs and runs
// wherever Node does. N=2^15, r=8, p=1 (32 MiB, OWASP's scrypt floor) with a 32-byte salt; the
// parameters are stored with each hash, so raising them later still verifies the older hashes.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

const CURRENT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 32;
const KEY_BYTES = 32;

/** Shortest password accepted (NIST SP 800-63B's floor for a chosen one); the longest keeps hashing cheap to ask for. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParameters, length: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly that, so leave room.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$key`, salt and key in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, CURRENT, KEY_BYTES);
  return ['scrypt', CURRENT.N, CURRENT.r, CURRENT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A stored hash no password matches, worked through when the email is unknown so that answer takes as long. */
let decoy: Promise<string> | undefined;
const decoyHash = () => {
  decoy ??= hashPassword(randomBytes(32).toString('base64url'));
  return decoy;
};

/**
 * Whether `password` is the one `stored` was made from, compared in constant time. Without a
 * stored hash (no such teammate, or no password set yet) it does the same work and answers false,
 * so neither the answer nor its time tells whether the account exists.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parseHash(stored) : undefined;
  const { parameters, salt, key } = parsed ?? parseHash(await decoyHash())!;
  const candidate = await derive(password, salt, parameters, key.length);
  return timingSafeEqual(candidate, key) && parsed !== undefined;
}

function parseHash(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const [scheme, N, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return undefined;
  const parameters = { N: Number(N), r: Number(r), p: Number(p) };
  if (!Object.values(parameters).every((n) => Number.isInteger(n) && n > 0)) return undefined;
  return { parameters, salt: Buffer.from(salt, 'base64url'), key: Buffer.from(key, 'base64url') };
}
