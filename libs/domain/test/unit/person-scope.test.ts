import { canChangePerson, roleWithinScope, sameName, type HeldRole, type RoleScope } from '@um/domain';

const A = '0403170701';
const B = '0202239951';

const raeA: RoleScope = { kind: 'access-manager', enterpriseNumber: A };
const coRaeA: RoleScope = { kind: 'co-access-manager', enterpriseNumber: A };
const glAE: RoleScope = { kind: 'local-manager', enterpriseNumber: A, quality: 'employer' };
const coGlAE: RoleScope = { kind: 'co-local-manager', enterpriseNumber: A, quality: 'employer' };
const cc: RoleScope = { kind: 'contact-centre' };

const userAE: HeldRole = { kind: 'user', enterpriseNumber: A, quality: 'employer' };
const userAM: HeldRole = { kind: 'user', enterpriseNumber: A, quality: 'mandatary' };
const coGlAEHeld: HeldRole = { kind: 'co-local-manager', enterpriseNumber: A, quality: 'employer' };
const coRaeAHeld: HeldRole = { kind: 'co-access-manager', enterpriseNumber: A };
const raeB: HeldRole = { kind: 'access-manager', enterpriseNumber: B };
const userBE: HeldRole = { kind: 'user', enterpriseNumber: B, quality: 'employer' };
const operator: HeldRole = { kind: 'contact-centre' };

describe('canChangePerson (the person/membership line)', () => {
  test('when every role of the person lies in the GL’s quality, then the GL may change the person', () => {
    expect(canChangePerson(glAE, [userAE])).toBe(true);
    expect(canChangePerson(coGlAE, [userAE, coGlAEHeld])).toBe(true);
  });

  test('when the person also holds a role in another quality of the same enterprise, then a GL may not', () => {
    expect(canChangePerson(glAE, [userAE, userAM])).toBe(false);
    expect(canChangePerson(coGlAE, [userAE, userAM])).toBe(false);
  });

  test('when the person also holds an enterprise-level role, then a GL may not (it has no quality)', () => {
    expect(canChangePerson(glAE, [userAE, coRaeAHeld])).toBe(false);
  });

  test('when every role lies in the enterprise, then a RAE/co-RAE may change the person, across its qualities', () => {
    expect(canChangePerson(raeA, [userAE, userAM, coRaeAHeld])).toBe(true);
    expect(canChangePerson(coRaeA, [userAE, userAM])).toBe(true);
  });

  test('when the person is the RAE of another enterprise (the issue’s attack), then no manager of A may change them', () => {
    for (const actor of [raeA, coRaeA, glAE, coGlAE]) {
      expect(canChangePerson(actor, [userAE, raeB])).toBe(false);
      expect(canChangePerson(actor, [coRaeAHeld, raeB])).toBe(false);
    }
  });

  test('when a role is blocked, then it still counts (status does not matter)', () => {
    expect(canChangePerson(raeA, [userAE, { ...userBE, status: 'blocked' } as HeldRole])).toBe(false);
  });

  test('when the actor is the contact centre, then it may change anyone, also a person without roles', () => {
    expect(canChangePerson(cc, [userAE, raeB, operator])).toBe(true);
    expect(canChangePerson(cc, [])).toBe(true);
  });

  test('when the person holds no role at all, then no manager reaches them', () => {
    expect(canChangePerson(raeA, [])).toBe(false);
    expect(canChangePerson(glAE, [])).toBe(false);
  });

  test('when the person is an operator, then only the contact centre may change them', () => {
    expect(canChangePerson(raeA, [operator])).toBe(false);
  });

  test('when the actor is a user or missing, then never', () => {
    expect(canChangePerson({ kind: 'user', enterpriseNumber: A, quality: 'employer' }, [userAE])).toBe(false);
    expect(canChangePerson(undefined, [userAE])).toBe(false);
  });

  test('when a manager role lacks its scope, then nothing lies within it', () => {
    expect(roleWithinScope({ kind: 'access-manager' }, { kind: 'user' })).toBe(false);
    expect(roleWithinScope({ kind: 'local-manager', enterpriseNumber: A }, { kind: 'user', enterpriseNumber: A })).toBe(false);
  });
});

describe('sameName (reusing a known NISS)', () => {
  test('when names differ only by case, accents or spacing, then they match', () => {
    expect(sameName('Émile', 'emile')).toBe(true);
    expect(sameName('DUPONT-ÇAVA', 'dupont-cava')).toBe(true);
    expect(sameName('Van  der Berg ', 'van der berg')).toBe(true);
    expect(sameName('Zoë', 'Zoe\u0308')).toBe(true);
  });

  test('when the letters differ, then they do not', () => {
    expect(sameName('Ann', 'Anne')).toBe(false);
    expect(sameName('Mallory', 'Ann')).toBe(false);
  });
});
