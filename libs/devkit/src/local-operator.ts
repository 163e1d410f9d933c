/**
 * The operator `npm start` creates on a store of its own when it holds no contact-centre operator
 * yet, so that a person who just started the system can log in (like Keycloak's bootstrap admin):
 * its password is generated, given to identity once, and printed once in the terminal.
 */
import { randomInt } from 'node:crypto';
import { PASSWORD_MAX_LENGTH, passwordViolations } from '@um/domain';

export const LOCAL_OPERATOR_USERNAME = 'localoperator';

/** What identity logs when it has just created the bootstrap operator (services/identity/src/bootstrap.ts). */
export const OPERATOR_CREATED_MSG = 'bootstrap contact-centre operator created';

const LETTERS = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SPECIALS = '-_.+%';

/** A random password the credential policy accepts: letters, digits and shell-safe specials, the longest allowed. */
export function generatePassword(): string {
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(DIGITS), pick(DIGITS), pick(SPECIALS)];
  while (chars.length < PASSWORD_MAX_LENGTH) chars.push(pick(LETTERS + DIGITS));
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  const password = chars.join('');
  if (passwordViolations(password).length > 0) throw new Error('generated password breaks the policy');
  return password;
}

/**
 * The operator `npm start` asks identity for: only on a store it started itself (never one that
 * MONGO_URL names), and only when the person running it named no bootstrap operator of their own.
 */
export function localOperatorFor(infraMode: 'external' | 'docker' | 'local', env: NodeJS.ProcessEnv): { username: string; password: string } | undefined {
  // MONGO_URL alone still gives mode 'local' (NATS is started here), but the store is someone else's.
  if (infraMode === 'external' || env.MONGO_URL || env.UM_BOOTSTRAP_OPERATOR_USERNAME) return undefined;
  return { username: LOCAL_OPERATOR_USERNAME, password: generatePassword() };
}
