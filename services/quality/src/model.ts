/** The quality service's collection: the qualities each enterprise activated, one per type. */
import { Schema, type Connection } from 'mongoose';
import { QUALITY_TYPES, qualityKey, type QualityType } from '@um/domain';

/**
 * A quality's `_id`: `enterprise:type`, so that one quality per type and enterprise is what the
 * primary key itself enforces; an enterprise's list is one find by `enterpriseNumber` (indexed).
 */
export const qualityId = qualityKey;

const QualitySchema = new Schema(
  {
    _id: { type: String, required: true },
    enterpriseNumber: { type: String, required: true },
    type: { type: String, enum: QUALITY_TYPES, required: true },
    /** Type-specific data (employer registration number, INAMI number, …), validated by contract. */
    data: { type: Schema.Types.Mixed, default: {} },
    contactEmail: { type: String },
    localManagerPersonId: { type: String },
    /** The one technical user: the structured-messages contact of this quality. */
    technicalUserPersonId: { type: String },
    /** `pending` while activation runs: nothing reads a pending quality. */
    status: { type: String, enum: ['pending', 'active'], required: true },
    activatedAt: { type: Date },
  },
  { timestamps: true, collection: 'qualities', minimize: false },
);

QualitySchema.index({ enterpriseNumber: 1 });

/**
 * A quality's SCIM tokens (HR-system provisioning). `_id` is the SHA-256 of the bearer secret: the
 * secret is 32 random bytes, so a fast hash is enough (nothing to guess by brute force), and
 * authenticating is one read by primary key. Revoking deletes the record: the next request with
 * that token answers 401.
 */
const ScimTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    tokenId: { type: String, required: true, unique: true },
    enterpriseNumber: { type: String, required: true },
    type: { type: String, enum: QUALITY_TYPES, required: true },
    label: { type: String },
    /** The person who created it (a manager of the quality). */
    createdBy: { type: String, required: true },
  },
  { timestamps: true, collection: 'scim_tokens' },
);
ScimTokenSchema.index({ enterpriseNumber: 1, type: 1 });

export function createModels(db: Connection) {
  return { Quality: db.model('Quality', QualitySchema), ScimToken: db.model('ScimToken', ScimTokenSchema) };
}
export type QualityModels = ReturnType<typeof createModels>;

/** The active quality of that type, if any (a pending one is being activated: nothing reads it). */
/**
 * `quality.state`: whether the quality is active, and its technical user. Kept in the service's
 * OwnedCache: a write that changes either (activation, a technical user designated) drops it.
 */
export interface QualityState {
  active: boolean;
  technicalUserPersonId?: string;
}

export async function readQualityState(models: QualityModels, enterpriseNumber: string, type: QualityType): Promise<QualityState> {
  const q = await findActiveQuality(models, enterpriseNumber, type);
  return { active: Boolean(q), ...(q?.technicalUserPersonId ? { technicalUserPersonId: q.technicalUserPersonId } : {}) };
}

export async function findActiveQuality(models: QualityModels, enterpriseNumber: string, type: QualityType) {
  const quality = await models.Quality.findById(qualityId(enterpriseNumber, type)).lean();
  return quality?.status === 'active' ? quality : null;
}
