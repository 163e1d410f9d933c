import { channelUsesBlockingDeletion, type RoleScope } from '@um/domain';

const A = '0403170701';
const M = '0202239951';
const glE: RoleScope = { kind: 'local-manager', enterpriseNumber: A, quality: 'employer' };
const coGlE: RoleScope = { kind: 'co-local-manager', enterpriseNumber: A, quality: 'employer' };

describe('who may delete a batch channel used by routing rules', () => {
  test('when no rule uses the channel, then every manager may', () => {
    for (const role of [glE, coGlE, { kind: 'access-manager', enterpriseNumber: A } as RoleScope]) expect(channelUsesBlockingDeletion(role, [])).toEqual([]);
  });

  test("when only rules of the GL's own quality use it, then the GL and co-GL may", () => {
    const uses = [{ enterpriseNumber: A, quality: 'employer' }];
    expect(channelUsesBlockingDeletion(glE, uses)).toEqual([]);
    expect(channelUsesBlockingDeletion(coGlE, uses)).toEqual([]);
  });

  test('when a rule of another quality uses it, then the GL and co-GL may not, and that rule is named', () => {
    const uses = [{ enterpriseNumber: A, quality: 'employer' }, { enterpriseNumber: A, quality: 'mandatary' }];
    expect(channelUsesBlockingDeletion(glE, uses)).toEqual([{ enterpriseNumber: A, quality: 'mandatary' }]);
    expect(channelUsesBlockingDeletion(coGlE, uses)).toEqual([{ enterpriseNumber: A, quality: 'mandatary' }]);
  });

  test("when a mandator's rule (same quality type, another enterprise) uses it, then the GL may not", () => {
    expect(channelUsesBlockingDeletion(glE, [{ enterpriseNumber: M, quality: 'employer' }])).toHaveLength(1);
  });

  test('when the RAE or a co-RAE deletes it, then rules of any quality do not block', () => {
    const uses = [{ enterpriseNumber: A, quality: 'mandatary' }, { enterpriseNumber: M, quality: 'employer' }];
    expect(channelUsesBlockingDeletion({ kind: 'access-manager', enterpriseNumber: A }, uses)).toEqual([]);
    expect(channelUsesBlockingDeletion({ kind: 'co-access-manager', enterpriseNumber: A }, uses)).toEqual([]);
  });
});
