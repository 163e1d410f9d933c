/** Self-service, certificates and account lifecycle of the identity service (docs/product.md §5). */
import { z } from 'zod';
import { Email, Language, ObjectId, Password, QualityTypeCode } from '../fields.js';
import { AuthMethod, Principal, RoleKindCode, RoleView } from '../schemas.js';
import { PageQuery, PersonProfile } from './management.js';

// ---- certificates -----------------------------------------------------------------------------

/** A certificate as the gateway forwards it: the bytes received (PEM text or DER), base64-encoded. */
export const CertificateBytes = z
  .string()
  .min(1)
  .max(32_768)
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');

export const SetCertificateParams = z.strictObject({ certificate: CertificateBytes });

export const CertificateView = z.object({
  /** SHA-256 of the DER encoding, 64 lower-case hex digits. */
  fingerprintSha256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
});
export type CertificateView = z.infer<typeof CertificateView>;

/** How a certificate reached the gateway: its own TLS handshake, or a trusted terminator's header. */
export const CertificateVia = z.enum(['mutual-tls', 'proxy-header']);

export const CertificateLoginParams = z.strictObject({
  certificate: CertificateBytes,
  via: CertificateVia,
  sourceIp: z.string().max(64),
});

// ---- /me ----------------------------------------------------------------------------------------

export const Membership = z.object({
  role: RoleView,
  status: z.enum(['active', 'blocked']),
  companyEmail: Email.optional(),
  /** Secure applications this membership reaches (none while blocked). */
  applications: z.array(z.string()),
});
export type Membership = z.infer<typeof Membership>;

export const MeView = PersonProfile.extend({
  memberships: z.array(Membership),
  /** How the calling session was opened. */
  authMethods: z.array(AuthMethod),
});
export type MeView = z.infer<typeof MeView>;

/** A role the person holds, with its status: what identity knows of a membership. */
export const HeldRole = RoleView.extend({ status: z.enum(['active', 'blocked']) });
export type HeldRole = z.infer<typeof HeldRole>;

/**
 * identity's part of GET /me: the person and the roles held. The gateway completes it into a
 * MeView with what user-management says each role reaches (identity calls no service above it).
 */
export const OwnIdentity = PersonProfile.extend({
  roles: z.array(HeldRole),
  authMethods: z.array(AuthMethod),
  /**
   * The next instant a role's window starts or ends (roles outside their window are not listed):
   * the answer holds until then, unless identity broadcasts a change first (`cache.dropped` of
   * `identity.persons`). Absent: no bound ahead.
   */
  changesAt: z.iso.datetime().optional(),
});
export type OwnIdentity = z.infer<typeof OwnIdentity>;

export const UpdateMeBody = z.strictObject({
  language: Language.optional(),
  emails: z.array(Email).max(5).optional(),
});
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(100),
  newPassword: Password,
});

// ---- account lifecycle (internal) ---------------------------------------------------------------

export const AccountStatus = z.enum(['active', 'blocked', 'deleted']);
export const SetAccountStatusParams = z.strictObject({ personId: ObjectId, status: AccountStatus });

/**
 * Who a token stands for, and until when (epoch ms) the session is certainly usable if nothing ends
 * it: its absolute expiry or its idle expiry, whichever comes first. A cache in front of
 * authenticate (the gateway's) never believes an answer past it.
 */
export const AuthenticatedSession = z.object({ principal: Principal, validUntil: z.number().int() });
export type AuthenticatedSession = z.infer<typeof AuthenticatedSession>;

// ---- a person's audit trail (identity's `person_audit`) -----------------------------------------

export const AuditActor = z.object({ personId: z.string(), roleKind: RoleKindCode.optional(), roleId: z.string().optional() });

/**
 * One event of a person's trail: logins (success, failure, lock-out, each with the source
 * address), password changes and resets, certificates bound and removed, language and e-mail
 * changes, account status changes, unlocks. A failed login of an unknown username has no
 * `personId`, only the `username` typed (normalised); nobody is created for it.
 */
export const PersonAuditRecord = z.object({
  auditId: z.string(),
  at: z.string(),
  personId: z.string().optional(),
  username: z.string().optional(),
  action: z.string(),
  /** Who acted: absent for a login attempt (nobody is authenticated yet). */
  actor: AuditActor.optional(),
  sourceIp: z.string().optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  requestId: z.string().optional(),
});
export type PersonAuditRecord = z.infer<typeof PersonAuditRecord>;

export const PersonAuditQuery = PageQuery.extend({ personId: ObjectId });
export const PersonAuditPage = z.object({ items: z.array(PersonAuditRecord), total: z.number(), page: z.number(), pageSize: z.number() });

/** Where a person holds roles: each enterprise, with the qualities of their roles there (none for RAE/co-RAE only). */
export const PersonScope = z.object({ enterpriseNumber: z.string(), qualities: z.array(QualityTypeCode) });

/**
 * A change a person made to their own person-level data (password, certificate, language,
 * e-mails), as identity recorded it in the person's trail, with the enterprises (and qualities)
 * the person held roles in at that moment: the enterprise service keeps a copy in each of their
 * trails (identity's audit.ts says how it gets there and why nothing is lost).
 */
export const SharedPersonAudit = z.object({
  auditId: z.string(),
  personId: z.string(),
  at: z.string(),
  action: z.string(),
  actor: AuditActor,
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  requestId: z.string().optional(),
  scopes: z.array(PersonScope).max(1_000),
});
export type SharedPersonAudit = z.infer<typeof SharedPersonAudit>;
export const SharedPersonAuditQuery = z.strictObject({ limit: z.number().int().min(1).max(500) });
export const SharedPersonAuditBatch = z.object({ items: z.array(SharedPersonAudit) });
export const AcknowledgeSharedAudit = z.strictObject({ auditIds: z.array(ObjectId).min(1).max(500) });
