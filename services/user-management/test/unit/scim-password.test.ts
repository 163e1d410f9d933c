import { passwordViolations } from '@um/domain';
import { unknowablePassword } from '../../src/actions/scim';

test('when SCIM provisions a new person without a password, then the one nobody knows meets the password policy and differs each time', () => {
  const passwords = Array.from({ length: 200 }, unknowablePassword);
  for (const p of passwords) expect({ p, violations: passwordViolations(p) }).toEqual({ p, violations: [] });
  expect(new Set(passwords).size).toBe(passwords.length);
});
