/**
 * The manual's credential rules (docs/product.md §2), the one implementation used wherever a username
 * or a password is set.
 */

export const PASSWORD_SPECIALS = ",;:=?./+*$%><&@#'(!{})-_";
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 15;
export const PASSWORD_MIN_NON_LETTERS = 2;

export type PasswordViolation =
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'PASSWORD_HAS_SPACE'
  | 'PASSWORD_CHARACTER_NOT_ALLOWED'
  | 'PASSWORD_TOO_FEW_NON_LETTERS';

const LETTER = /^[A-Za-z]$/;
const DIGIT = /^[0-9]$/;
const WHITESPACE = /^\s$/u;

/** Returns every rule the password breaks; an empty list means the password is acceptable. */
export function passwordViolations(password: string): PasswordViolation[] {
  const violations: PasswordViolation[] = [];
  const chars = Array.from(password);
  if (chars.length < PASSWORD_MIN_LENGTH) violations.push('PASSWORD_TOO_SHORT');
  if (chars.length > PASSWORD_MAX_LENGTH) violations.push('PASSWORD_TOO_LONG');
  let nonLetters = 0;
  let hasSpace = false;
  let hasForbidden = false;
  for (const c of chars) {
    if (LETTER.test(c)) continue;
    if (WHITESPACE.test(c)) {
      hasSpace = true;
    } else if (DIGIT.test(c) || PASSWORD_SPECIALS.includes(c)) {
      nonLetters += 1;
    } else {
      hasForbidden = true;
    }
  }
  if (hasSpace) violations.push('PASSWORD_HAS_SPACE');
  if (hasForbidden) violations.push('PASSWORD_CHARACTER_NOT_ALLOWED');
  if (nonLetters < PASSWORD_MIN_NON_LETTERS) violations.push('PASSWORD_TOO_FEW_NON_LETTERS');
  return violations;
}

export const USERNAME_PATTERN = /^[a-z0-9]{8,30}$/;

export type UsernameViolation =
  | 'USERNAME_TOO_SHORT'
  | 'USERNAME_TOO_LONG'
  | 'USERNAME_CHARACTER_NOT_ALLOWED';

/** Only digits and lower-case a–z, 8 to 30 characters, no space. */
export function usernameViolations(username: string): UsernameViolation[] {
  const violations: UsernameViolation[] = [];
  if (username.length < 8) violations.push('USERNAME_TOO_SHORT');
  if (username.length > 30) violations.push('USERNAME_TOO_LONG');
  if (!/^[a-z0-9]*$/.test(username)) violations.push('USERNAME_CHARACTER_NOT_ALLOWED');
  return violations;
}
