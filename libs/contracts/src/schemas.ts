/** Request and response bodies of the HTTP contract (docs/product.md §5), shared with the services. */
import { z } from 'zod';
import { ROLE_KINDS } from '@um/domain';
import { EnterpriseNumber, Language, Name, ObjectId, PersonInput, QualityTypeCode, Email, ValidityWindowInput } from './fields.js';

// ---- sessions -------------------------------------------------------------------------------

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(100),
});

export const RoleKindCode = z.enum(ROLE_KINDS);

export const RoleView = z.object({
  id: z.string(),
  kind: RoleKindCode,
  enterpriseNumber: z.string().optional(),
  /** The company's name (manual Ill. 1: the role list names it); set on the answers of login, role choice and /me. */
  enterpriseName: z.string().optional(),
  quality: QualityTypeCode.optional(),
  /** Time-bound access: the role's window, when it has one (ISO 8601). */
  validFrom: z.string().optional(),
  validUntil: z.string().optional(),
});
export type RoleView = z.infer<typeof RoleView>;

/**
 * How a session's person proved who they are: `password`; `certificate`, the personal certificate
 * bound with PUT /me/certificate, presented on the connection alongside the password (a second
 * factor, never alone); `eid`, an eID certificate of a CA of UM_EID_CA_FILE (alone, or with the
 * password).
 */
export const AuthMethod = z.enum(['password', 'certificate', 'eid']);
export type AuthMethod = z.infer<typeof AuthMethod>;

export const LoginResult = z.object({
  token: z.string(),
  roles: z.array(RoleView),
  authMethods: z.array(AuthMethod),
  /** Present (true) when the password must be changed (PUT /me/password) before anything else. */
  passwordChangeRequired: z.literal(true).optional(),
});

export const ChooseRoleBody = z.strictObject({ roleId: z.string().min(1).max(64) });
export const ChooseRoleResult = z.object({
  token: z.string(),
  role: RoleView,
  capabilities: z.array(z.string()),
});

/** Who is calling, as the gateway learnt it from the bearer token; travels in `ctx.meta`. */
export const Principal = z.object({
  personId: z.string(),
  sessionId: z.string(),
  role: RoleView.optional(),
  /** How the session was opened (a session for a chosen role keeps those of the login). */
  authMethods: z.array(AuthMethod).optional(),
  /** The person's language: problems are answered in it when the request asks for none. */
  language: Language.optional(),
  /** The contact centre reset the password: every call but PUT /me/password answers 403 until it is changed. */
  passwordChangeRequired: z.literal(true).optional(),
});
export type Principal = z.infer<typeof Principal>;

// ---- enterprises --------------------------------------------------------------------------

export const Address = z.strictObject({
  street: z.string().trim().max(200).optional(),
  postalCode: z.string().trim().max(20).optional(),
  city: z.string().trim().max(100).optional(),
  country: z.string().trim().length(2).optional(),
});

export const OnboardEnterpriseBody = z.strictObject({
  enterpriseNumber: EnterpriseNumber,
  name: Name.max(200),
  legalForm: z.string().trim().max(50).optional(),
  address: Address.optional(),
  eligibleQualities: z.array(QualityTypeCode).min(1).max(8),
  accessManager: PersonInput,
});
export type OnboardEnterpriseBody = z.infer<typeof OnboardEnterpriseBody>;

export const OnboardEnterpriseResult = z.object({
  enterpriseNumber: z.string(),
  personId: z.string(),
  roleId: z.string(),
  /** false when the access manager's NISS was already known (the person is reused, never rewritten). */
  created: z.boolean(),
});

export const EnterpriseNumberParams = z.strictObject({ enterpriseNumber: EnterpriseNumber });

export const PersonContact = z.object({
  personId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  title: z.string().optional(),
  language: Language,
  email: Email.optional(),
});
export type PersonContact = z.infer<typeof PersonContact>;

export const EnterpriseView = z.object({
  enterpriseNumber: z.string(),
  name: z.string(),
  legalForm: z.string().optional(),
  address: Address.optional(),
  eligibleQualities: z.array(QualityTypeCode),
  accessManager: PersonContact.nullable(),
  createdAt: z.string(),
});
export type EnterpriseView = z.infer<typeof EnterpriseView>;

// ---- persons and roles (internal actions) ------------------------------------------------

/** `withoutPassword`: a new person's account has no usable password until a reset (bulk import). */
export const RegisterPersonParams = z.strictObject({ person: PersonInput, withoutPassword: z.boolean().optional() });
export const RegisterPersonResult = z.object({ personId: z.string(), created: z.boolean() });

export const GrantRoleParams = z.strictObject({
  personId: ObjectId,
  kind: RoleKindCode,
  enterpriseNumber: z.string().optional(),
  quality: QualityTypeCode.optional(),
  ...ValidityWindowInput,
});
/** `created: false` when the person already held this very role (nothing was granted). */
export const GrantRoleResult = z.object({ roleId: z.string(), created: z.boolean() });

export const PersonIdParams = z.strictObject({ personId: ObjectId });

export const HealthResult = z.object({ service: z.string(), store: z.enum(['up', 'down']), nodeID: z.string() });
