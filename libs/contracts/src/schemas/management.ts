/**
 * Enterprise- and quality-level administration (docs/product.md §5): qualities, managers, mandates,
 * audit, and the identity role primitives those use-cases are built on.
 */
import { z } from 'zod';
import { DECLARATION_TYPES, QUALITY_TYPES, type QualityType } from '@um/domain';
import { Email, EnterpriseNumber, Language, Niss, ObjectId, Password, PersonInput, PersonName, PersonTitle, QualityTypeCode, ValidityWindowInput, ValidityWindowPatch, ValidityWindowView } from '../fields.js';
import { RoleKindCode } from '../schemas.js';

// ---- roles (identity primitives, internal) ------------------------------------------------

export const RoleStatus = z.enum(['active', 'blocked']);

export const RoleRecord = z.object({
  roleId: z.string(),
  personId: z.string(),
  kind: RoleKindCode,
  enterpriseNumber: z.string().optional(),
  quality: QualityTypeCode.optional(),
  status: RoleStatus,
  /** Time-bound access: the role holds from validFrom (included) until validUntil (excluded), ISO 8601. */
  validFrom: z.string().optional(),
  validUntil: z.string().optional(),
});
export type RoleRecord = z.infer<typeof RoleRecord>;

export const FindRolesParams = z.strictObject({
  enterpriseNumber: z.string().optional(),
  quality: QualityTypeCode.optional(),
  kinds: z.array(RoleKindCode).optional(),
  personId: ObjectId.optional(),
});

export const SetRoleStatusParams = z.strictObject({ roleId: ObjectId, status: RoleStatus });
/** A role's new window: null clears a bound, absent keeps it (checked by the caller's use-case). */
export const SetRoleWindowParams = z.strictObject({ roleId: ObjectId, ...ValidityWindowPatch });

/** A person's profile as anyone entitled to see it sees it (never credentials). */
export const PersonProfile = z.object({
  personId: z.string(),
  username: z.string().optional(),
  firstName: z.string(),
  lastName: z.string(),
  title: z.string().optional(),
  niss: z.string().optional(),
  language: Language,
  emails: z.array(z.string()),
});

/** What managers see of a person: the profile and the account's status. */
export const PersonSummary = PersonProfile.extend({
  accountStatus: z.enum(['active', 'blocked', 'deleted', 'none']),
});
export type PersonSummary = z.infer<typeof PersonSummary>;

export const GetPersonsParams = z.strictObject({ personIds: z.array(ObjectId).max(1000) });

/** Manager edits of a person's profile (co-RAE edit). */
export const PersonEditBody = z.strictObject({
  firstName: PersonName.optional(),
  lastName: PersonName.optional(),
  title: PersonTitle.nullable().optional(),
  language: Language.optional(),
  emails: z.array(Email).max(5).optional(),
});
export const UpdatePersonParams = PersonEditBody.extend({ personId: ObjectId });

/** A co-GL/co-RAE designation: the person, and the designation's window (time-bound access). */
export const DesignationBody = PersonInput.extend(ValidityWindowInput);
export type DesignationBody = z.infer<typeof DesignationBody>;
/** PATCH of a co-GL/co-RAE: person-level fields (§7.1 rule), and the designation's window (null clears a bound). */
export const DesignationEditBody = PersonEditBody.extend(ValidityWindowPatch);
export type DesignationEditBody = z.infer<typeof DesignationEditBody>;

/** What a manager about to add a person sees of a known NISS (manual 4.1.3). */
export const PersonNames = z.object({ niss: z.string(), firstName: z.string(), lastName: z.string(), title: z.string().optional() });
export const PersonLookupParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, niss: Niss });

export const PasswordResetBody = z.strictObject({ password: Password });
export const SetPasswordParams = PasswordResetBody.extend({
  personId: ObjectId,
  /** The person must change it at the next login (a contact-centre reset); a manager's reset leaves it false. */
  mustChange: z.boolean().default(false),
});

// ---- contact centre back office ------------------------------------------------------------

export const EnterpriseSearchQuery = z.strictObject({
  /** Digits: an enterprise-number prefix; anything else: a case-insensitive name prefix. */
  q: z.string().trim().min(1).max(100),
});
export const EnterpriseSearchResult = z.object({
  items: z.array(z.object({ enterpriseNumber: z.string(), name: z.string(), legalForm: z.string().optional() })),
});

export const PersonSearchQuery = z.strictObject({
  niss: Niss.optional(),
  username: z.string().trim().min(1).max(64).optional(),
});
export const AdminPersonView = PersonSummary.extend({
  roles: z.array(RoleRecord),
  passwordChangeRequired: z.boolean(),
});
export const AdminPersonList = z.object({ items: z.array(AdminPersonView) });

// ---- enterprise level ----------------------------------------------------------------------

export const ReplaceAccessManagerParams = PersonInput.extend({ enterpriseNumber: EnterpriseNumber });

export const MandateBody = z
  .strictObject({
    mandataryEnterpriseNumber: EnterpriseNumber,
    declarationTypes: z.array(z.enum(DECLARATION_TYPES)).min(1).max(DECLARATION_TYPES.length),
    validFrom: z.iso.date(),
    validTo: z.iso.date().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.validTo && value.validTo < value.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'validTo must not be before validFrom', params: { code: 'OUT_OF_RANGE' } });
    }
  });

export const MandateQuery = z.strictObject({
  /** `given`: mandates this enterprise gave; `received`: mandates it holds as mandatary. */
  direction: z.enum(['given', 'received']).default('given'),
});
export const MandateParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, mandateId: ObjectId });
export const MandateEndBody = z.strictObject({ validTo: z.iso.date() });

export const Mandate = z.object({
  mandateId: z.string(),
  enterpriseNumber: z.string(),
  mandataryEnterpriseNumber: z.string(),
  declarationTypes: z.array(z.enum(DECLARATION_TYPES)),
  validFrom: z.string(),
  validTo: z.string().optional(),
});
export type Mandate = z.infer<typeof Mandate>;

export const ManagerView = PersonSummary.extend({
  roleId: z.string(),
  kind: RoleKindCode,
  status: RoleStatus,
  quality: QualityTypeCode.optional(),
  ...ValidityWindowView,
});
export type ManagerView = z.infer<typeof ManagerView>;

export const ManagerList = z.object({ items: z.array(ManagerView) });

export const PersonRefParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, personId: ObjectId });

export const AuditRecord = z.object({
  auditId: z.string(),
  enterpriseNumber: z.string(),
  at: z.string(),
  actor: z.object({ personId: z.string(), roleKind: RoleKindCode.optional(), roleId: z.string().optional() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  quality: QualityTypeCode.optional(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  requestId: z.string().optional(),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export const RecordAuditParams = AuditRecord.omit({ auditId: true, at: true });

/** At most this many records per `enterprise.recordAudits` call (`recordAudits` sends more in several). */
export const RECORD_AUDITS_MAX = 500;
export const RecordAuditsParams = z.object({ records: z.array(RecordAuditParams).min(1).max(RECORD_AUDITS_MAX) });

export const PageQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const AuditPage = z.object({ items: z.array(AuditRecord), total: z.number(), page: z.number(), pageSize: z.number() });

// ---- qualities -----------------------------------------------------------------------------

const EmployerRegistrationNumber = z.string().regex(/^\d{9,10}$/, 'must be 9 or 10 digits');
const InamiNumber = z.string().regex(/^\d{8,11}$/, 'must be 8 to 11 digits');

/** Per-type quality data (docs/product.md §5 codes): every type accepts contactEmail. */
export const QualityDataSchemas = {
  employer: z.strictObject({ contactEmail: Email.optional(), employerRegistrationNumber: EmployerRegistrationNumber }),
  mandatary: z.strictObject({ contactEmail: Email.optional() }),
  'full-service-secretariat': z.strictObject({ contactEmail: Email.optional() }),
  'hospital-care-provider': z.strictObject({ contactEmail: Email.optional(), inamiNumber: InamiNumber }),
  'service-provider': z.strictObject({ contactEmail: Email.optional() }),
  'telecom-operator': z.strictObject({ contactEmail: Email.optional() }),
  'approved-social-secretariat': z.strictObject({ contactEmail: Email.optional() }),
  curator: z.strictObject({ contactEmail: Email.optional() }),
} as const satisfies Record<QualityType, z.ZodType>;

function activation<T extends QualityType, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({ type: z.literal(type), data, localManager: PersonInput });
}

/** Activation body: one discriminated union over the quality type, each with its own data. */
export const ActivateQualityBody = z.discriminatedUnion('type', [
  activation('employer', QualityDataSchemas.employer),
  activation('mandatary', QualityDataSchemas.mandatary.default({})),
  activation('full-service-secretariat', QualityDataSchemas['full-service-secretariat'].default({})),
  activation('hospital-care-provider', QualityDataSchemas['hospital-care-provider']),
  activation('service-provider', QualityDataSchemas['service-provider'].default({})),
  activation('telecom-operator', QualityDataSchemas['telecom-operator'].default({})),
  activation('approved-social-secretariat', QualityDataSchemas['approved-social-secretariat'].default({})),
  activation('curator', QualityDataSchemas.curator.default({})),
]);
export type ActivateQualityBody = z.infer<typeof ActivateQualityBody>;

export const QualityParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, type: QualityTypeCode });
export const QualityPersonParams = QualityParams.extend({ personId: ObjectId });

export const UpdateQualityBody = z.strictObject({
  contactEmail: Email.nullable().optional(),
  /** Type-specific fields to change (validated against the quality's type). */
  data: z.record(z.string(), z.unknown()).optional(),
});

/** The contact centre's change of a quality's registry identifiers (each only for its quality type). */
export const RegistryIdentifiersBody = z
  .strictObject({ employerRegistrationNumber: EmployerRegistrationNumber.optional(), inamiNumber: InamiNumber.optional() })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one registry identifier' });

export const QualityView = z.object({
  enterpriseNumber: z.string(),
  type: QualityTypeCode,
  data: z.record(z.string(), z.unknown()),
  contactEmail: z.string().optional(),
  applications: z.array(z.string()),
  localManager: PersonSummary.nullable(),
  technicalUser: PersonSummary.nullable(),
  activatedAt: z.string(),
});
export type QualityView = z.infer<typeof QualityView>;

export const QualityList = z.object({ items: z.array(QualityView.omit({ localManager: true, technicalUser: true })) });

export const EligibleQualities = z.object({
  items: z.array(z.object({ type: QualityTypeCode, active: z.boolean(), applications: z.array(z.string()) })),
});

/** `created`: whether the person was new (false: a known NISS, reused as it is — PRODUCT.md §7.1). */
const Created = z.boolean().meta({ description: 'true when the person was created; false when a known NISS was reused (the person is never rewritten)' });
export const ActivateQualityResult = z.object({ enterpriseNumber: z.string(), type: QualityTypeCode, personId: z.string(), roleId: z.string(), created: Created });
export const DesignateResult = z.object({ personId: z.string(), roleId: z.string().optional(), created: Created });

/** PUT technical-user: an existing member by personId, or a person (created or reused by NISS). */
export const TechnicalUserBody = z.union([z.strictObject({ personId: ObjectId }), PersonInput]);

/** Internal: the current technical user and status of a quality (structured messaging). */
export const QualityState = z.object({
  active: z.boolean(),
  technicalUserPersonId: z.string().optional(),
});

export { QUALITY_TYPES };
