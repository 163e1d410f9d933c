/**
 * Users of a quality (memberships), their search, and the authorization check applications call
 * (docs/product.md §5, issue 5).
 */
import { z } from 'zod';
import { LANGUAGES } from '@um/domain';
import { Email, EnterpriseNumber, Language, ObjectId, PersonInput, QualityTypeCode, Validity, ValidityWindowInput, ValidityWindowPatch, ValidityWindowView } from '../fields.js';
import { RoleKindCode } from '../schemas.js';
import { PasswordResetBody, PersonSummary } from './management.js';

/** Application codes are short lower-case words; whether one belongs to the quality is the service's rule. */
export const ApplicationCode = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be an application code');

/**
 * One granted application: its code alone (open-ended), or `{code, validFrom?, validUntil?}` for
 * a grant that holds only within a window (time-bound access).
 */
export const ApplicationGrantInput = z.union([ApplicationCode, z.strictObject({ code: ApplicationCode, ...ValidityWindowInput })]);
export type ApplicationGrantInput = z.infer<typeof ApplicationGrantInput>;
export const ApplicationGrantView = z.object({ code: z.string(), ...ValidityWindowView });

/** Register a user in a quality by NISS (an existing person is reused: then username/password are not needed). */
export const RegisterUserBody = PersonInput.extend({
  companyEmail: Email.optional(),
  applications: z.array(ApplicationGrantInput).max(20).default([]),
  ...ValidityWindowInput,
});
export type RegisterUserBody = z.infer<typeof RegisterUserBody>;

export const MembershipStatus = z.enum(['active', 'blocked']);

/** A member of a quality as managers see it (search items and GET …/users/{personId}). */
export const UserView = PersonSummary.extend({
  enterpriseNumber: z.string(),
  quality: QualityTypeCode,
  kind: RoleKindCode,
  status: MembershipStatus,
  /** Every granted application's code, current or not (see applicationGrants for their windows). */
  applications: z.array(z.string()),
  applicationGrants: z.array(ApplicationGrantView),
  companyEmail: z.string().optional(),
  /** The HR system's id of this membership (SCIM `externalId`), when a SCIM client set one. */
  externalId: z.string().optional(),
  ...ValidityWindowView,
});
export type UserView = z.infer<typeof UserView>;

export const RegisterUserResult = z.object({ personId: z.string(), roleId: z.string(), created: z.boolean() });

export const UserPatchBody = z.strictObject({
  language: Language.optional(),
  emails: z.array(Email).max(5).optional(),
  applications: z.array(ApplicationGrantInput).max(20).optional(),
  companyEmail: Email.nullable().optional(),
  ...ValidityWindowPatch,
});
export type UserPatchBody = z.infer<typeof UserPatchBody>;

export const USER_SORTS = ['lastName', 'firstName', 'username'] as const;
export const MAX_PAGE_SIZE = 100;

const Criterion = z.string().trim().min(1).max(100);

/** Search criteria of the manual; names, username and e-mail match a case-insensitive prefix. */
export const UserSearchQuery = z.strictObject({
  quality: QualityTypeCode.optional(),
  username: Criterion.optional(),
  firstName: Criterion.optional(),
  lastName: Criterion.optional(),
  title: Criterion.optional(),
  niss: z.string().regex(/^\d{1,11}$/, 'digits of a NISS (a prefix)').optional(),
  language: z.enum(LANGUAGES).optional(),
  email: Criterion.optional(),
  application: ApplicationCode.optional(),
  status: MembershipStatus.optional(),
  /** The manual's checkboxes (5.1): users, co-local-managers (or the local manager). */
  kind: z.enum(['user', 'co-local-manager', 'local-manager']).optional(),
  /** Time-bound access: only memberships in this state now (all by default, each item says its own). */
  validity: Validity.optional(),
  sort: z.enum(USER_SORTS).default('lastName'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
});
export type UserSearchQuery = z.infer<typeof UserSearchQuery>;

/** The quality-level search: the quality is the path's. */
export const QualityUserSearchQuery = UserSearchQuery.omit({ quality: true });

export const UserSearchResult = z.object({ items: z.array(UserView), total: z.number(), page: z.number(), pageSize: z.number() });

export const UserParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, type: QualityTypeCode, personId: ObjectId });

export { PasswordResetBody };

// ---- authorization check ---------------------------------------------------------------------

export const AuthorizationCheckQuery = z.strictObject({
  application: z.string().min(1).max(40),
  enterpriseNumber: EnterpriseNumber,
  quality: QualityTypeCode.optional(),
});

export const AUTHORIZATION_REASONS = [
  'granted',
  'local-manager',
  'access-manager',
  'no-membership',
  'membership-blocked',
  'account-inactive',
  'application-not-granted',
  'membership-not-current',
] as const;

export const AuthorizationCheckResult = z.object({ allowed: z.boolean(), reason: z.enum(AUTHORIZATION_REASONS) });
export type AuthorizationCheckResult = z.infer<typeof AuthorizationCheckResult>;

/** Per role of a person: the applications it reaches and its company e-mail (GET /me). */
export const MembershipApplications = z.array(z.object({ roleId: z.string(), applications: z.array(z.string()), companyEmail: z.string().optional() }));
