import { authorize, capabilitiesOf } from '@um/domain';

const EN = '0403170701';
const OTHER = '0202239951';

describe('authorize (rights table as data)', () => {
  test('when the RAE reads its own enterprise, then it is allowed; another enterprise is not found', () => {
    expect(authorize({ kind: 'access-manager', enterpriseNumber: EN }, 'enterprise.read', { enterpriseNumber: EN })).toBe('allowed');
    expect(authorize({ kind: 'access-manager', enterpriseNumber: EN }, 'enterprise.read', { enterpriseNumber: OTHER })).toBe('not-found');
  });

  test('when a co-RAE manages co-RAEs, then it is forbidden (footnote 1)', () => {
    expect(authorize({ kind: 'co-access-manager', enterpriseNumber: EN }, 'co-access-managers.manage', { enterpriseNumber: EN })).toBe('forbidden');
  });

  test('when a GL acts on another quality of its enterprise, then it is forbidden; its own quality is allowed', () => {
    const gl = { kind: 'local-manager' as const, enterpriseNumber: EN, quality: 'employer' as const };
    expect(authorize(gl, 'users.manage', { enterpriseNumber: EN, quality: 'employer' })).toBe('allowed');
    expect(authorize(gl, 'users.manage', { enterpriseNumber: EN, quality: 'mandatary' })).toBe('forbidden');
  });

  test('when a co-GL manages co-GLs, then it is forbidden (footnotes 2–3)', () => {
    expect(authorize({ kind: 'co-local-manager', enterpriseNumber: EN, quality: 'employer' }, 'co-local-managers.manage', { enterpriseNumber: EN, quality: 'employer' })).toBe('forbidden');
  });

  test('when a role kind never holds the capability, then it is forbidden even outside its enterprise (as the gateway answers)', () => {
    expect(authorize({ kind: 'local-manager', enterpriseNumber: EN, quality: 'employer' }, 'co-access-managers.manage', { enterpriseNumber: OTHER })).toBe('forbidden');
    expect(authorize({ kind: 'user', enterpriseNumber: EN, quality: 'employer' }, 'users.manage', { enterpriseNumber: OTHER, quality: 'employer' })).toBe('forbidden');
    expect(authorize({ kind: 'local-manager', enterpriseNumber: EN, quality: 'employer' }, 'users.manage', { enterpriseNumber: OTHER, quality: 'employer' })).toBe('not-found');
  });

  test('when there is no role, then everything is forbidden', () => {
    expect(authorize(undefined, 'self.manage')).toBe('forbidden');
  });

  test('when the contact centre onboards, then it is allowed; a RAE may not', () => {
    expect(authorize({ kind: 'contact-centre' }, 'admin.enterprises.onboard')).toBe('allowed');
    expect(authorize({ kind: 'access-manager', enterpriseNumber: EN }, 'admin.enterprises.onboard')).toBe('forbidden');
  });

  test('when listing capabilities of a user, then only self-service is there', () => {
    expect(capabilitiesOf('user')).toEqual(['self.manage']);
  });
});
