import { passwordViolations, usernameViolations } from '@um/domain';
import { generatePassword, LOCAL_OPERATOR_USERNAME, localOperatorFor } from '../../src/local-operator';

describe('local operator', () => {
  test('when passwords are generated, then each meets the credential policy and they differ', () => {
    const passwords = Array.from({ length: 300 }, generatePassword);
    for (const p of passwords) expect(passwordViolations(p)).toEqual([]);
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  test('when its username is checked, then the policy accepts it', () => {
    expect(usernameViolations(LOCAL_OPERATOR_USERNAME)).toEqual([]);
  });

  test('when the store is one npm start started and nobody named an operator, then one is asked for; never on an external store (MONGO_URL) or when named', () => {
    expect(localOperatorFor('local', {})).toEqual({ username: LOCAL_OPERATOR_USERNAME, password: expect.any(String) });
    expect(localOperatorFor('docker', {})).toBeDefined();
    expect(localOperatorFor('external', {})).toBeUndefined();
    expect(localOperatorFor('local', { MONGO_URL: 'mongodb://db.example:27017' })).toBeUndefined();
    expect(localOperatorFor('local', { UM_BOOTSTRAP_OPERATOR_USERNAME: 'myoperator' })).toBeUndefined();
  });
});
