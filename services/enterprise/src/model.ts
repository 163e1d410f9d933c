/** The enterprise service's collection: enterprises, keyed by their enterprise number. */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { QUALITY_TYPES } from '@um/domain';

const EnterpriseSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    legalForm: { type: String },
    address: {
      type: new Schema({ street: String, postalCode: String, city: String, country: String }, { _id: false }),
    },
    eligibleQualities: { type: [{ type: String, enum: QUALITY_TYPES }], default: [] },
    accessManagerPersonId: { type: String },
    /** `pending` while onboarding runs: nothing reads a pending enterprise. */
    status: { type: String, enum: ['pending', 'active'], required: true },
  },
  { timestamps: true, collection: 'enterprises' },
);

export type EnterpriseDoc = InferSchemaType<typeof EnterpriseSchema>;

export interface EnterpriseModels {
  Enterprise: Model<EnterpriseDoc>;
}

export function createModels(db: Connection): EnterpriseModels {
  return { Enterprise: db.model('Enterprise', EnterpriseSchema) };
}
