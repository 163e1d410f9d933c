/** The identity service's collections: persons (with their account), roles, sessions. */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { LANGUAGES, QUALITY_TYPES, ROLE_KINDS } from '@um/domain';

const AccountSchema = new Schema(
  {
    username: { type: String, required: true },
    passwordHash: { type: String, required: true },
    status: { type: String, enum: ['active', 'blocked', 'deleted'], default: 'active', required: true },
    passwordChangedAt: { type: Date, required: true },
    /** Set by a contact-centre reset: the person changes the password before anything else. */
    mustChangePassword: { type: Boolean },
  },
  { _id: false },
);

/** The personal certificate bound to the account (PUT /me/certificate); never the private key. */
const CertificateSchema = new Schema(
  {
    fingerprintSha256: { type: String, required: true },
    subject: { type: String, required: true },
    issuer: { type: String, required: true },
    notBefore: { type: Date, required: true },
    notAfter: { type: Date, required: true },
    boundAt: { type: Date, required: true },
  },
  { _id: false },
);

const PersonSchema = new Schema(
  {
    niss: { type: String },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    title: { type: String },
    language: { type: String, enum: LANGUAGES, required: true },
    emails: { type: [String], default: [] },
    account: { type: AccountSchema },
    certificate: { type: CertificateSchema },
  },
  { timestamps: true, collection: 'persons' },
);
// Sparse: operators have no NISS, and a person may have no account yet.
PersonSchema.index({ niss: 1 }, { unique: true, sparse: true });
PersonSchema.index({ 'account.username': 1 }, { unique: true, sparse: true });
// One person per certificate, whatever the race between two uploads.
PersonSchema.index({ 'certificate.fingerprintSha256': 1 }, { unique: true, sparse: true });

const RoleSchema = new Schema(
  {
    personId: { type: Schema.Types.ObjectId, required: true, index: true },
    kind: { type: String, enum: ROLE_KINDS, required: true },
    enterpriseNumber: { type: String },
    quality: { type: String, enum: QUALITY_TYPES },
    status: { type: String, enum: ['active', 'blocked'], default: 'active', required: true },
    /** Time-bound access: the role holds from validFrom (included) until validUntil (excluded). */
    validFrom: { type: Date },
    validUntil: { type: Date },
    /**
     * Set only for roles that exist once per scope (the RAE of an enterprise): a unique sparse
     * index then forbids a second one, which FerretDB cannot do with a partial index.
     */
    exclusiveKey: { type: String },
    /**
     * The role's identity (person, kind, enterprise, quality) in one always-present string: the
     * unique index on it makes a second identical grant fail in the store, also under concurrency.
     * The compound index below does not on FerretDB, which leaves a document lacking a field (an
     * enterprise-level role has no quality) out of a unique index. Sparse only for roles stored
     * before the key existed, which `backfillRoleKeys` completes at start.
     */
    roleKey: { type: String },
  },
  { timestamps: true, collection: 'roles' },
);
RoleSchema.index({ personId: 1, kind: 1, enterpriseNumber: 1, quality: 1 }, { unique: true });
RoleSchema.index({ exclusiveKey: 1 }, { unique: true, sparse: true });
RoleSchema.index({ roleKey: 1 }, { unique: true, sparse: true });
RoleSchema.index({ enterpriseNumber: 1, quality: 1, kind: 1 });

/** _id is the token's selector; the token's secret part is kept only as its SHA-256. */
const SessionSchema = new Schema(
  {
    verifierHash: { type: String, required: true },
    personId: { type: Schema.Types.ObjectId, required: true, index: true },
    roleId: { type: Schema.Types.ObjectId },
    /** How the person proved who they are (AuthMethod): kept by the sessions of a chosen role. */
    authMethods: { type: [{ type: String, enum: ['password', 'certificate', 'eid'] }], default: [] },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    endedAt: { type: Date },
  },
  { timestamps: true, collection: 'sessions' },
);

/**
 * `person_audit`: the person's trail, written by identity itself (the lowest layer calls nobody
 * to record it). See audit.ts for what is recorded and what reaches the enterprises' trails.
 */
const PersonAuditSchema = new Schema(
  {
    personId: { type: Schema.Types.ObjectId },
    /** A failed login of an unknown username: the name typed (normalised), no person. */
    username: { type: String },
    at: { type: Date, required: true },
    action: { type: String, required: true },
    actor: { type: new Schema({ personId: String, roleKind: String, roleId: String }, { _id: false }) },
    sourceIp: { type: String },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    requestId: { type: String },
    /**
     * A person's own change to share with the enterprises they held roles in at that moment
     * (`scopes`); `sharePending` until the enterprise service acknowledges its copies (audit.ts).
     */
    scopes: { type: [new Schema({ enterpriseNumber: String, qualities: [String] }, { _id: false })], default: undefined },
    sharePending: { type: Boolean },
  },
  { collection: 'person_audit' },
);
PersonAuditSchema.index({ personId: 1, at: -1 });
PersonAuditSchema.index({ sharePending: 1, at: 1 }, { sparse: true });

export type PersonDoc = InferSchemaType<typeof PersonSchema> & { _id: import('mongoose').Types.ObjectId };
export type RoleDoc = InferSchemaType<typeof RoleSchema> & { _id: import('mongoose').Types.ObjectId };
export type SessionDoc = InferSchemaType<typeof SessionSchema> & { _id: import('mongoose').Types.ObjectId };

export interface IdentityModels {
  Person: Model<InferSchemaType<typeof PersonSchema>>;
  Role: Model<InferSchemaType<typeof RoleSchema>>;
  Session: Model<InferSchemaType<typeof SessionSchema>>;
  PersonAudit: Model<InferSchemaType<typeof PersonAuditSchema>>;
}

export function createModels(db: Connection): IdentityModels {
  return {
    Person: db.model('Person', PersonSchema),
    Role: db.model('Role', RoleSchema),
    Session: db.model('Session', SessionSchema),
    PersonAudit: db.model('PersonAudit', PersonAuditSchema),
  };
}

/** A role's identity: one person holds a role of a kind in an enterprise and quality at most once. */
export function roleKeyOf(role: { personId: unknown; kind: string; enterpriseNumber?: string | null; quality?: string | null }): string {
  return [String(role.personId), role.kind, role.enterpriseNumber ?? '', role.quality ?? ''].join(':');
}

/**
 * Gives roles stored before `roleKey` existed their key. A duplicate left by the old bug keeps no
 * key (the unique index refuses it) and is reported, to be removed by an operator.
 */
export async function backfillRoleKeys(models: IdentityModels, logger: { warn(obj: object, msg: string): void }): Promise<void> {
  for await (const role of models.Role.find({ roleKey: { $exists: false } }).lean().cursor({ batchSize: 1_000 })) {
    try {
      await models.Role.updateOne({ _id: role._id }, { $set: { roleKey: roleKeyOf(role) } });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 11000) throw err;
      logger.warn({ roleId: String(role._id), personId: String(role.personId), kind: role.kind }, 'a duplicate role (same person, kind, enterprise and quality) was found');
    }
  }
}

