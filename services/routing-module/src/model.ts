/** The routing module's collections: batch channels (the senders directory) and routing rules. */
import { Schema, type Connection } from 'mongoose';
import { BATCH_CHANNEL_TYPES, DECLARATION_TYPES, QUALITY_TYPES } from '@um/domain';
import { RULE_STATES } from '@um/contracts';

/** A registered batch channel; deleting one keeps it (status `deleted`) so the rules that used it can say why they stopped. */
const ChannelSchema = new Schema(
  {
    enterpriseNumber: { type: String, required: true },
    type: { type: String, enum: BATCH_CHANNEL_TYPES, required: true },
    name: { type: String, required: true },
    parameters: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['active', 'deleted'], required: true, default: 'active' },
    deletedAt: { type: Date },
  },
  { timestamps: true, collection: 'batch_channels', minimize: false },
);
ChannelSchema.index({ enterpriseNumber: 1, status: 1 });

/** One rule per enterprise × quality × declaration type: who receives, over which of the recipient's channels. */
const RuleSchema = new Schema(
  {
    enterpriseNumber: { type: String, required: true },
    quality: { type: String, enum: QUALITY_TYPES, required: true },
    declarationType: { type: String, enum: DECLARATION_TYPES, required: true },
    recipient: { type: String, required: true },
    /** `ebox` or the id of one of the recipient's channels. */
    channel: { type: String, required: true },
    state: { type: String, enum: RULE_STATES.filter((s) => s !== 'unset'), required: true },
  },
  { timestamps: true, collection: 'routing_rules' },
);
RuleSchema.index({ enterpriseNumber: 1, quality: 1, declarationType: 1 }, { unique: true });
RuleSchema.index({ recipient: 1, channel: 1 });

export function createModels(db: Connection) {
  return { Channel: db.model('BatchChannel', ChannelSchema), Rule: db.model('RoutingRule', RuleSchema) };
}
export type RoutingModels = ReturnType<typeof createModels>;
