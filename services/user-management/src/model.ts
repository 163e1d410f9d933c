/**
 * user-management's collections. `memberships`: one per person and quality of an enterprise (a
 * user, or a GL/co-GL mirrored from identity's roles), with a denormalised copy of the person's
 * searchable fields and lower-cased copies for case-insensitive prefix search. `enterprise_roles`:
 * the RAE/co-RAE roles mirrored from identity, for the authorization check.
 *
 * Both are read and written by `_id` (a membership's is derived from its key, a role's is
 * identity's role id), a person's memberships by `personId` (indexed). Searches and the
 * authorization check read each instance's in-memory projection (projection.ts), not the store:
 * the check never waits for a store round trip.
 */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { LANGUAGES, QUALITY_TYPES, ROLE_KINDS, instantMs, type ValidityWindow } from '@um/domain';
import type { PersonSummary } from '@um/contracts';

/** A membership's `_id`: one per person and quality of an enterprise. */
export function membershipId(key: { enterpriseNumber: string; quality: string; personId: string }): string {
  return `${key.enterpriseNumber}:${key.quality}:${key.personId}`;
}

const ApplicationWindowSchema = new Schema({ code: { type: String, required: true }, validFrom: { type: Date }, validUntil: { type: Date } }, { _id: false });

const MembershipSchema = new Schema(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    enterpriseNumber: { type: String, required: true },
    quality: { type: String, enum: QUALITY_TYPES, required: true },
    roleId: { type: String, required: true },
    kind: { type: String, enum: ROLE_KINDS, required: true },
    status: { type: String, enum: ['active', 'blocked'], required: true },
    applications: { type: [String], default: [] },
    /** Time-bound grants: the window of each granted application that has one (others are open-ended). */
    applicationWindows: { type: [ApplicationWindowSchema], default: undefined },
    companyEmail: { type: String },
    /** The HR system's id of this membership (SCIM `externalId`), unique within the quality. */
    externalId: { type: String },
    /** Time-bound access: the membership holds from validFrom (included) until validUntil (excluded). */
    validFrom: { type: Date },
    validUntil: { type: Date },
    /** When the windows were last set: a bound already past then was recorded by that change (expiry.ts). */
    windowSetAt: { type: Date },
    /** The window bounds reached and recorded in the trail, by key (expiry.ts): the claim that makes it once. */
    boundariesRecorded: { type: [String], default: undefined },
    // The person, as identity last said (refreshed from identity.person.changed / account.changed).
    username: { type: String },
    firstName: { type: String, required: true },
    lastName: { type: String, required: true },
    title: { type: String },
    niss: { type: String },
    language: { type: String, enum: LANGUAGES, required: true },
    emails: { type: [String], default: [] },
    accountStatus: { type: String, enum: ['active', 'blocked', 'deleted', 'none'], required: true },
    usernameLower: { type: String },
    firstNameLower: { type: String },
    lastNameLower: { type: String },
    titleLower: { type: String },
    emailsLower: { type: [String], default: [] },
  },
  { timestamps: true, collection: 'memberships' },
);
// A person's profile or account change rewrites each of their memberships.
MembershipSchema.index({ personId: 1 });
// A SCIM client finds its users by externalId (filter `externalId eq "…"`).
MembershipSchema.index({ enterpriseNumber: 1, quality: 1, externalId: 1 });

const EnterpriseRoleSchema = new Schema(
  {
    /** identity's role id. */
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    enterpriseNumber: { type: String, required: true },
    kind: { type: String, enum: ['access-manager', 'co-access-manager'], required: true },
    status: { type: String, enum: ['active', 'blocked'], required: true },
    validFrom: { type: Date },
    validUntil: { type: Date },
    windowSetAt: { type: Date },
    boundariesRecorded: { type: [String], default: undefined },
  },
  { timestamps: true, collection: 'enterprise_roles' },
);

/**
 * Bulk imports (imports.ts): a job, and its rows in chunks of IMPORT_CHUNK_ROWS (`_id`
 * `<importId>:<chunk>`, read and written by `_id` only), each with its results once applied.
 */
const ImportJobSchema = new Schema(
  {
    _id: { type: String, required: true },
    enterpriseNumber: { type: String, required: true },
    quality: { type: String, enum: QUALITY_TYPES, required: true },
    dryRun: { type: Boolean, required: true },
    status: { type: String, enum: ['receiving', 'running', 'finished', 'abandoned'], required: true },
    total: { type: Number, required: true },
    chunks: { type: Number, required: true },
    /** The chunks stored so far (the job starts once all are). */
    received: { type: [Number], default: [] },
    counts: { type: Schema.Types.Mixed, required: true },
    /** Who imports: the worker acts on their behalf (audit, §7.1 checks), also after a restart. */
    principal: { type: Schema.Types.Mixed, required: true },
    /** The instance applying the rows, and when it last said so: a silent one is taken over. */
    worker: { type: String },
    heartbeatAt: { type: Date },
    finishedAt: { type: Date },
  },
  { timestamps: true, collection: 'import_jobs' },
);
ImportJobSchema.index({ status: 1 });

const ImportChunkSchema = new Schema(
  {
    _id: { type: String, required: true },
    importId: { type: String, required: true },
    rows: { type: Schema.Types.Mixed, required: true },
    results: { type: Schema.Types.Mixed },
  },
  { timestamps: true, collection: 'import_chunks' },
);

export type MembershipDoc = InferSchemaType<typeof MembershipSchema>;
export type ImportJobDoc = InferSchemaType<typeof ImportJobSchema>;
export type ImportChunkDoc = InferSchemaType<typeof ImportChunkSchema>;
export type EnterpriseRoleDoc = InferSchemaType<typeof EnterpriseRoleSchema>;

export interface UserManagementModels {
  Membership: Model<MembershipDoc>;
  EnterpriseRole: Model<EnterpriseRoleDoc>;
  ImportJob: Model<ImportJobDoc>;
  ImportChunk: Model<ImportChunkDoc>;
}

export function createModels(db: Connection): UserManagementModels {
  return {
    Membership: db.model('Membership', MembershipSchema),
    EnterpriseRole: db.model('EnterpriseRole', EnterpriseRoleSchema),
    ImportJob: db.model('ImportJob', ImportJobSchema),
    ImportChunk: db.model('ImportChunk', ImportChunkSchema),
  };
}

/** The person's fields as stored on each of their memberships. */
export function personFields(person: PersonSummary) {
  return {
    username: person.username,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    niss: person.niss,
    language: person.language,
    emails: person.emails,
    accountStatus: person.accountStatus,
    usernameLower: person.username?.toLowerCase(),
    firstNameLower: person.firstName.toLowerCase(),
    lastNameLower: person.lastName.toLowerCase(),
    titleLower: person.title?.toLowerCase(),
    emailsLower: person.emails.map((e) => e.toLowerCase()),
  };
}

/** `$set`/`$unset` of the person's fields (absent optional fields are removed, not left stale). */
export function personUpdate(person: PersonSummary): { $set: Record<string, unknown>; $unset: Record<string, 1> } {
  const $set: Record<string, unknown> = {};
  const $unset: Record<string, 1> = {};
  for (const [key, value] of Object.entries(personFields(person))) {
    if (value === undefined) $unset[key] = 1;
    else $set[key] = value;
  }
  return { $set, $unset };
}

/** Stored form of a window (ISO text as it travels): Dates, absent bounds left out. */
export function storedWindow(w: ValidityWindow): { validFrom?: Date; validUntil?: Date } {
  const from = instantMs(w.validFrom);
  const until = instantMs(w.validUntil);
  return { ...(from !== undefined ? { validFrom: new Date(from) } : {}), ...(until !== undefined ? { validUntil: new Date(until) } : {}) };
}

/** Whether two windows have the same bounds (stored Dates or ISO text alike). */
export function sameWindow(a: ValidityWindow | undefined, b: ValidityWindow | undefined): boolean {
  return instantMs(a?.validFrom) === instantMs(b?.validFrom) && instantMs(a?.validUntil) === instantMs(b?.validUntil);
}
