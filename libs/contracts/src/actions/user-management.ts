/** user-management: memberships of qualities, their search, and the authorization check. */
import { z } from 'zod';
import { HealthResult, RoleView } from '../schemas.js';
import { EnterpriseNumber, ObjectId, QualityTypeCode } from '../fields.js';
import { PasswordResetBody } from '../schemas/management.js';
import {
  AuthorizationCheckQuery,
  AuthorizationCheckResult,
  MembershipApplications,
  QualityUserSearchQuery,
  RegisterUserBody,
  RegisterUserResult,
  UserParams,
  UserPatchBody,
  UserSearchQuery,
  UserSearchResult,
  UserView,
} from '../schemas/users.js';
import { ScimCreateParams, ScimListParams, ScimPatchChangesSchema, ScimUserParams } from '../schemas/scim.js';
import { NoParams, Void, type ActionContract } from './types.js';

const QualityScope = z.strictObject({ enterpriseNumber: EnterpriseNumber, type: QualityTypeCode });

export const UserManagementActions = {
  'user-management.health': { params: NoParams, result: HealthResult, idempotent: true },
  'user-management.register': { params: QualityScope.extend({ body: RegisterUserBody }), result: RegisterUserResult, idempotent: false, capability: 'users.manage' },
  'user-management.get': { params: UserParams, result: UserView, idempotent: true, capability: 'users.search.quality' },
  'user-management.update': { params: UserParams.extend({ changes: UserPatchBody }), result: UserView, idempotent: true, capability: 'users.manage' },
  'user-management.remove': { params: UserParams, result: Void, idempotent: true, capability: 'users.manage', notOnSelf: true },
  'user-management.setStatus': { params: UserParams.extend({ status: z.enum(['active', 'blocked']) }), result: UserView, idempotent: true, capability: 'users.manage', notOnSelf: true },
  'user-management.resetPassword': { params: UserParams.extend({ body: PasswordResetBody }), result: Void, idempotent: false, capability: 'users.manage', notOnSelf: true },
  'user-management.searchQuality': { params: QualityScope.extend({ query: QualityUserSearchQuery }), result: UserSearchResult, idempotent: true, capability: 'users.search.quality' },
  'user-management.searchEnterprise': { params: z.strictObject({ enterpriseNumber: EnterpriseNumber, query: UserSearchQuery }), result: UserSearchResult, idempotent: true, capability: 'users.search.enterprise' },
  // SCIM 2.0 (gateway /scim/v2): the same use-cases, for a quality's SCIM token (role kind scim-client).
  'user-management.scimCreate': { params: ScimCreateParams, result: UserView, idempotent: false, capability: 'scim.provision' },
  'user-management.scimGet': { params: ScimUserParams, result: UserView, idempotent: true, capability: 'scim.provision' },
  'user-management.scimList': { params: ScimListParams, result: z.object({ total: z.number(), items: z.array(UserView) }), idempotent: true, capability: 'scim.provision' },
  'user-management.scimPatch': { params: ScimUserParams.extend({ changes: ScimPatchChangesSchema }), result: UserView, idempotent: true, capability: 'scim.provision' },
  'user-management.scimRemove': { params: ScimUserParams, result: Void, idempotent: true, capability: 'scim.provision' },
  /** The check of the session's person, from the in-memory projection (no store query). */
  'user-management.check': { params: AuthorizationCheckQuery, result: AuthorizationCheckResult, idempotent: true },
  /** Internal (GET /me): per role of the person, the applications it reaches. */
  'user-management.applicationsOf': {
    params: z.strictObject({ personId: ObjectId, roles: z.array(RoleView.extend({ status: z.enum(['active', 'blocked']) })).max(1000) }),
    result: MembershipApplications,
    idempotent: true,
  },
} as const satisfies Record<string, ActionContract>;
