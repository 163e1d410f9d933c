/**
 * argon2id password hashes in PHC format ($argon2id$v=19$m=…,t=…,p=…$salt$hash), computed by
 * Node's crypto.argon2 on the libuv thread pool, off the event loop.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Argon2Cost {
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

const TAG_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, cost: Argon2Cost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      { message: password, nonce: salt, memory: cost.memoryKiB, passes: cost.passes, parallelism: cost.parallelism, tagLength: TAG_LENGTH },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

const b64 = (buf: Buffer) => buf.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, cost: Argon2Cost): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost);
  return `$argon2id$v=19$m=${cost.memoryKiB},t=${cost.passes},p=${cost.parallelism}$${b64(salt)}$${b64(key)}`;
}

const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export interface Verification {
  ok: boolean;
  /** The hash was made with other parameters than the current ones: re-hash after a good login. */
  needsRehash: boolean;
}

/**
 * The hash of an account that has no password yet (a person created by a bulk import): it matches
 * no password, so only a reset or an eID login opens the account.
 */
export const NO_PASSWORD_HASH = '!';

export async function verifyPassword(password: string, stored: string, current: Argon2Cost): Promise<Verification> {
  const match = PHC.exec(stored);
  if (!match) {
    // Costs what a real verification does: the answer time does not tell an account without password.
    await derive(password, randomBytes(SALT_LENGTH), current);
    return { ok: false, needsRehash: false };
  }
  const cost: Argon2Cost = { memoryKiB: Number(match[1]), passes: Number(match[2]), parallelism: Number(match[3]) };
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  const key = await derive(password, salt, cost);
  const ok = key.length === expected.length && timingSafeEqual(key, expected);
  const needsRehash =
    cost.memoryKiB !== current.memoryKiB || cost.passes !== current.passes || cost.parallelism !== current.parallelism;
  return { ok, needsRehash };
}

/** A hash of a random password, verified against when the username is unknown so timing matches. */
export async function decoyHash(cost: Argon2Cost): Promise<string> {
  return hashPassword(randomBytes(12).toString('base64'), cost);
}
