/** Each row of an import is checked by the single registration's rules, plus the file's own (duplicates) and §7.1 for known persons. */
import { syntheticNiss, type RoleScope } from '@um/domain';
import type { ImportLookupResult } from '@um/contracts';
import { fileDuplicates, planRow, readRow, type ChunkFacts } from '../../src/import-rows';

const A = '0403170701';
const B = '0202239951';
const glE: RoleScope = { kind: 'local-manager', enterpriseNumber: A, quality: 'employer' };
const niss = (i: number) => syntheticNiss(4_000_000 + i);
const values = (over: Record<string, unknown> = {}) => ({ niss: niss(1), firstName: 'Émile', lastName: 'Dupont', language: 'fr', username: 'emiledupont', applications: ['dimona'], ...over });
const nobody: ImportLookupResult = { persons: [], usernamesTaken: [] };
const facts = (over: Partial<ChunkFacts> = {}): ChunkFacts => ({ enterpriseNumber: A, quality: 'employer', actor: glE, duplicates: new Map(), lookup: nobody, ...over });
const plan = (v: Record<string, unknown>, f: Partial<ChunkFacts> = {}) => {
  const read = readRow({ row: 1, values: v }, 'employer');
  return 'body' in read ? planRow(read, facts(f)) : read;
};

describe('reading a row', () => {
  test.each([
    ['a NISS with a wrong check', { niss: '85073003329' }, 'NISS_INVALID', 'niss'],
    ['a name with digits', { firstName: 'R2D2' }, 'NAME_INVALID', 'firstName'],
    ['a username breaking the policy', { username: 'Short' }, 'USERNAME_POLICY', 'username'],
    ['an application outside the catalogue', { applications: ['mahis'] }, 'APPLICATION_NOT_IN_CATALOGUE', 'applications.0'],
    ['an unknown language', { language: 'xx' }, 'UNKNOWN_VALUE', 'language'],
    ['a bad e-mail', { email: 'nope' }, 'INVALID_FORMAT', 'email'],
    ['a password (files carry none)', { password: 'Secret#2026x' }, 'UNKNOWN_FIELD', 'password'],
  ])('when it has %s, then the row is an error %s naming the field', (_label, over, code, field) => {
    expect(plan(values(over))).toEqual(expect.objectContaining({ row: 1, status: 'error', code, errors: [expect.objectContaining({ field })] }));
  });

  test('when it could not be read as a row, then it is MALFORMED_BODY', () => {
    expect(readRow({ row: 3, values: {}, malformed: 'this line is not JSON' }, 'employer')).toEqual({ row: 3, status: 'error', code: 'MALFORMED_BODY', detail: 'this line is not JSON' });
  });
});

describe('planning a row', () => {
  test('when the NISS is unknown and the username free, then the person is created', () => {
    expect(plan(values())).toEqual(expect.objectContaining({ row: 1, status: 'created' }));
  });

  test('when a new person has no username, or a taken one, then VALIDATION_FAILED or USERNAME_TAKEN', () => {
    expect(plan(values({ username: undefined }))).toEqual(expect.objectContaining({ status: 'error', code: 'VALIDATION_FAILED' }));
    expect(plan(values(), { lookup: { persons: [], usernamesTaken: ['emiledupont'] } })).toEqual(expect.objectContaining({ status: 'error', code: 'USERNAME_TAKEN' }));
  });

  const known = (roles: ImportLookupResult['persons'][number]['roles']): ImportLookupResult => ({ persons: [{ personId: 'p1', niss: niss(1), firstName: 'Emile', lastName: 'DUPONT', roles }], usernamesTaken: [] });

  test('when the NISS is known with the same names (case and accents aside) and no role elsewhere, then the person is reused', () => {
    expect(plan(values(), { lookup: known([]) })).toEqual(expect.objectContaining({ status: 'reused', personId: 'p1' }));
  });

  test('when the NISS is known under other names, then PERSON_MISMATCH naming the field', () => {
    expect(plan(values({ firstName: 'Jean' }), { lookup: known([]) })).toEqual(expect.objectContaining({ status: 'error', code: 'PERSON_MISMATCH', errors: [expect.objectContaining({ field: 'firstName' })] }));
  });

  test('when the known person is already a user of the quality, then unchanged; its GL, then ALREADY_MEMBER', () => {
    expect(plan(values(), { lookup: known([{ roleId: 'r', kind: 'user', enterpriseNumber: A, quality: 'employer' }]) })).toEqual({ row: 1, status: 'unchanged', personId: 'p1' });
    expect(plan(values(), { lookup: known([{ roleId: 'r', kind: 'local-manager', enterpriseNumber: A, quality: 'employer' }]) })).toEqual(expect.objectContaining({ status: 'error', code: 'ALREADY_MEMBER' }));
  });

  test('when the known person holds a role outside the importer’s scope, then PERSON_OUTSIDE_SCOPE; a RAE reaches the whole enterprise', () => {
    const elsewhere = known([{ roleId: 'r', kind: 'user', enterpriseNumber: A, quality: 'mandatary' }]);
    expect(plan(values(), { lookup: elsewhere })).toEqual(expect.objectContaining({ status: 'error', code: 'PERSON_OUTSIDE_SCOPE' }));
    expect(plan(values(), { lookup: elsewhere, actor: { kind: 'access-manager', enterpriseNumber: A } })).toEqual(expect.objectContaining({ status: 'reused' }));
    const otherEnterprise = known([{ roleId: 'r', kind: 'access-manager', enterpriseNumber: B }]);
    expect(plan(values(), { lookup: otherEnterprise, actor: { kind: 'access-manager', enterpriseNumber: A } })).toEqual(expect.objectContaining({ status: 'error', code: 'PERSON_OUTSIDE_SCOPE' }));
  });

  test('when a row repeats the NISS or the username of an earlier row, then the later one is DUPLICATE_IN_FILE and the first is kept', () => {
    const rows = [
      { row: 1, values: values() },
      { row: 2, values: values({ username: 'another1' }) },
      { row: 3, values: values({ niss: niss(2) }) },
      { row: 4, values: values({ niss: niss(3), username: 'another2' }) },
    ];
    const duplicates = fileDuplicates(rows);
    expect([...duplicates]).toEqual([
      [2, { field: 'niss', firstRow: 1 }],
      [3, { field: 'username', firstRow: 1 }],
    ]);
    expect(plan(values(), { duplicates })).toEqual(expect.objectContaining({ status: 'created' }));
    const second = readRow(rows[1]!, 'employer');
    expect('body' in second && planRow(second, facts({ duplicates }))).toEqual(expect.objectContaining({ row: 2, status: 'error', code: 'DUPLICATE_IN_FILE' }));
  });
});
