import { applicationsListedFor, excludedBy, exclusiveScopeKey, reachesApplication } from '@um/domain';

describe('role rules', () => {
  test('when a RAE/co-RAE is asked, then it lists and reaches User Management only', () => {
    expect(applicationsListedFor('access-manager', undefined)).toEqual(['user-management']);
    expect(reachesApplication('co-access-manager', undefined, [], 'user-management')).toBe(true);
    expect(reachesApplication('co-access-manager', undefined, [], 'dimona')).toBe(false);
  });

  test('when a GL/co-GL is asked, then it lists its quality’s catalogue and also reaches User Management', () => {
    expect(applicationsListedFor('local-manager', 'employer')).toEqual(['dimona', 'dmfa', 'drs', 'ebox']);
    expect(reachesApplication('co-local-manager', 'hospital-care-provider', [], 'mycarenet')).toBe(true);
    expect(reachesApplication('co-local-manager', 'hospital-care-provider', [], 'dimona')).toBe(false);
    expect(reachesApplication('local-manager', 'employer', [], 'user-management')).toBe(true);
  });

  test('when a user is asked, then it reaches exactly what was granted', () => {
    expect(applicationsListedFor('user', 'employer', ['drs'])).toEqual(['drs']);
    expect(reachesApplication('user', 'employer', ['drs'], 'drs')).toBe(true);
    expect(reachesApplication('user', 'employer', ['drs'], 'dimona')).toBe(false);
  });

  test('when roles exist once per scope or exclude each other, then the domain says which', () => {
    expect(exclusiveScopeKey('access-manager', '0403170701')).toBe('access-manager:0403170701');
    expect(exclusiveScopeKey('local-manager', '0403170701', 'employer')).toBe('local-manager:0403170701:employer');
    expect(exclusiveScopeKey('co-local-manager', '0403170701', 'employer')).toBeUndefined();
    expect(excludedBy('co-access-manager')).toBe('access-manager');
    expect(excludedBy('co-local-manager')).toBe('local-manager');
    expect(excludedBy('user')).toBeUndefined();
  });
});
