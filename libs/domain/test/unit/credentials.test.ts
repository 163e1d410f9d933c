import { PASSWORD_SPECIALS, passwordViolations, usernameViolations } from '@um/domain';

describe('password policy (manual: 10–15 chars, no space, ≥ 2 non-letters, listed specials only)', () => {
  test.each([
    ['9 characters', 'abcdefg12', ['PASSWORD_TOO_SHORT']],
    ['10 characters', 'abcdefgh12', []],
    ['15 characters', 'abcdefghijklm12', []],
    ['16 characters', 'abcdefghijklmn12', ['PASSWORD_TOO_LONG']],
    ['one non-letter', 'abcdefghi1', ['PASSWORD_TOO_FEW_NON_LETTERS']],
    ['two non-letters (digit + special)', 'abcdefgh1#', []],
    ['only letters', 'abcdefghijk', ['PASSWORD_TOO_FEW_NON_LETTERS']],
    ['a space', 'abcdef 12xy', ['PASSWORD_HAS_SPACE']],
    ['a tab', 'abcdef\t12xy', ['PASSWORD_HAS_SPACE']],
    ['a special not in the list (~)', 'abcdefg12~', ['PASSWORD_CHARACTER_NOT_ALLOWED']],
    ['a special not in the list (")', 'abcdefg12"', ['PASSWORD_CHARACTER_NOT_ALLOWED']],
    ['an accented letter', 'abcdéfg12x', ['PASSWORD_CHARACTER_NOT_ALLOWED']],
    ['upper and lower case count as letters', 'ABCDEFgh12', []],
  ])('when the password has %s, then the violations are %j', (_label, password, expected) => {
    expect(passwordViolations(password)).toEqual(expected);
  });

  test.each(Array.from(PASSWORD_SPECIALS))('when the password uses the allowed special %s twice, then it is accepted', (special) => {
    expect(passwordViolations(`abcdefgh${special}${special}`)).toEqual([]);
  });
});

describe('username policy (manual: a-z and 0-9, 8 to 30 characters)', () => {
  test.each([
    ['7 characters', 'abcdefg', ['USERNAME_TOO_SHORT']],
    ['8 characters', 'abcdefgh', []],
    ['30 characters', 'a'.repeat(30), []],
    ['31 characters', 'a'.repeat(31), ['USERNAME_TOO_LONG']],
    ['upper case', 'Abcdefgh', ['USERNAME_CHARACTER_NOT_ALLOWED']],
    ['punctuation', 'abc.defgh', ['USERNAME_CHARACTER_NOT_ALLOWED']],
    ['a space', 'abcd efgh', ['USERNAME_CHARACTER_NOT_ALLOWED']],
    ['digits only', '12345678', []],
  ])('when the username has %s, then the violations are %j', (_label, username, expected) => {
    expect(usernameViolations(username)).toEqual(expected);
  });
});
