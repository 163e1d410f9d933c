import { authorize, parseScimFilter, readScimPatch, SCIM_USER_EXTENSION, type RoleScope } from '@um/domain';

describe('SCIM filters (RFC 7644 §3.4.2.2)', () => {
  test.each([
    ['userName eq "bjensen"', { attribute: 'userName', value: 'bjensen' }],
    ['USERNAME EQ "BJensen"', { attribute: 'userName', value: 'BJensen' }],
    ['externalId eq "701984"', { attribute: 'externalId', value: '701984' }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a b"', { attribute: 'userName', value: 'a b' }],
    ['  id eq "5f0c9d3e8b1a2c3d4e5f6a7b"  ', { attribute: 'id', value: '5f0c9d3e8b1a2c3d4e5f6a7b' }],
    ['externalId eq "say \\"hi\\""', { attribute: 'externalId', value: 'say "hi"' }],
  ])('when the filter is %s, then it reads as one equality', (filter, expected) => {
    expect(parseScimFilter(filter)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['another operator', 'userName sw "bj"'],
    ['a conjunction', 'userName eq "a" and externalId eq "b"'],
    ['an attribute that cannot be filtered', 'name.familyName eq "Jensen"'],
    ['an unquoted value', 'userName eq bjensen'],
    ['a value that is no JSON string', 'userName eq "\\x"'],
    ['an empty filter', ''],
    ['a presence test', 'title pr'],
  ])('when the filter is %s, then it is invalidFilter (never a broader answer)', (_label, filter) => {
    expect(parseScimFilter(filter)).toEqual({ ok: false, scimType: 'invalidFilter', detail: expect.any(String) });
  });
});

describe('SCIM PATCH (RFC 7644 §3.5.2)', () => {
  test('when active is replaced by path, then the change is a block or an unblock', () => {
    expect(readScimPatch([{ op: 'replace', path: 'active', value: false }])).toEqual({ ok: true, value: { active: false } });
    expect(readScimPatch([{ op: 'Replace', path: 'active', value: 'True' }])).toEqual({ ok: true, value: { active: true } });
  });

  test('when the operation has no path but an object value, then each attribute is read', () => {
    expect(readScimPatch([{ op: 'replace', value: { active: false, externalId: 'E-1' } }])).toEqual({ ok: true, value: { active: false, externalId: 'E-1' } });
  });

  test('when externalId is removed, then it becomes null', () => {
    expect(readScimPatch([{ op: 'remove', path: 'externalId' }])).toEqual({ ok: true, value: { externalId: null } });
  });

  test("when the extension's applications are replaced or added, then they are kept apart", () => {
    expect(readScimPatch([{ op: 'replace', path: `${SCIM_USER_EXTENSION}:applications`, value: ['dimona'] }])).toEqual({ ok: true, value: { applications: ['dimona'], addApplications: [] } });
    expect(readScimPatch([{ op: 'add', value: { [SCIM_USER_EXTENSION]: { applications: ['drs'] } } }])).toEqual({ ok: true, value: { addApplications: ['drs'] } });
  });

  test.each([
    ['a person-level attribute', [{ op: 'replace', path: 'name.familyName', value: 'X' }], 'mutability'],
    ['removing active', [{ op: 'remove', path: 'active' }], 'mutability'],
    ['active that is no boolean', [{ op: 'replace', path: 'active', value: 'maybe' }], 'invalidValue'],
    ['an unknown op', [{ op: 'move', path: 'active', value: true }], 'invalidSyntax'],
    ['a remove without path', [{ op: 'remove' }], 'noTarget'],
    ['no operation', [], 'invalidValue'],
    ['a path that is no string', [{ op: 'replace', path: 3, value: true }], 'invalidPath'],
    ['applications that are no list', [{ op: 'replace', path: `${SCIM_USER_EXTENSION}:applications`, value: 'dimona' }], 'invalidValue'],
  ])('when the PATCH has %s, then it is refused with %s', (_label, operations, scimType) => {
    expect(readScimPatch(operations)).toEqual({ ok: false, scimType, detail: expect.any(String) });
  });
});

describe('the SCIM client role', () => {
  const client: RoleScope = { kind: 'scim-client', enterpriseNumber: '0403170701', quality: 'employer' };
  test('when a SCIM token acts on its own quality, then it may provision it and nothing else', () => {
    expect(authorize(client, 'scim.provision', { enterpriseNumber: '0403170701', quality: 'employer' })).toBe('allowed');
    expect(authorize(client, 'scim.provision', { enterpriseNumber: '0403170701', quality: 'mandatary' })).toBe('forbidden');
    expect(authorize(client, 'scim.provision', { enterpriseNumber: '0202239951', quality: 'employer' })).toBe('not-found');
    expect(authorize(client, 'users.manage', { enterpriseNumber: '0403170701', quality: 'employer' })).toBe('forbidden');
    expect(authorize(client, 'scim.tokens.manage', { enterpriseNumber: '0403170701', quality: 'employer' })).toBe('forbidden');
  });

  test('when managers manage SCIM tokens, then RAE, co-RAE and GL may and a co-GL may not', () => {
    const target = { enterpriseNumber: '0403170701', quality: 'employer' };
    expect(authorize({ kind: 'access-manager', enterpriseNumber: '0403170701' }, 'scim.tokens.manage', target)).toBe('allowed');
    expect(authorize({ kind: 'co-access-manager', enterpriseNumber: '0403170701' }, 'scim.tokens.manage', target)).toBe('allowed');
    expect(authorize({ kind: 'local-manager', ...target, quality: 'employer' }, 'scim.tokens.manage', target)).toBe('allowed');
    expect(authorize({ kind: 'co-local-manager', ...target, quality: 'employer' }, 'scim.tokens.manage', target)).toBe('forbidden');
  });
});
