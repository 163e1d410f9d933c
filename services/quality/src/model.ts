/** The quality service's collection: the qualities each enterprise activated, one per type. */
import { Schema, type Connection } from 'mongoose';
import { QUALITY_TYPES } from '@um/domain';

const QualitySchema = new Schema(
  {
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
QualitySchema.index({ enterpriseNumber: 1, type: 1 }, { unique: true });

export function createModels(db: Connection) {
  return { Quality: db.model('Quality', QualitySchema) };
}
export type QualityModels = ReturnType<typeof createModels>;
