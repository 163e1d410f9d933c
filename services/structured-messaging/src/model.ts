/** The structured-messaging collection: every ingested message once, keyed by its messageId, with its outcome. */
import { Schema, type Connection } from 'mongoose';
import { MESSAGE_STATUSES, REJECTION_REASONS } from '@um/contracts';

const MessageSchema = new Schema(
  {
    /** The messageId: the unique key that makes a redelivery or a resend one stored message. */
    _id: { type: String, required: true },
    enterpriseNumber: { type: String },
    quality: { type: String },
    declarationType: { type: String },
    inboundChannel: { type: String },
    sender: { type: String },
    fileName: { type: String },
    sizeBytes: { type: Number },
    sha256: { type: String },
    receivedAt: { type: String },
    status: { type: String, enum: MESSAGE_STATUSES, required: true },
    reason: { type: String, enum: REJECTION_REASONS },
    /** Why a malformed envelope was refused (field: problem). */
    problems: { type: [String], default: undefined },
    recipient: { type: String },
    channel: { type: String },
    processedAt: { type: Date, required: true },
    streamSeq: { type: Number },
  },
  { collection: 'structured_messages', versionKey: false },
);
MessageSchema.index({ enterpriseNumber: 1, quality: 1, processedAt: -1 });

export function createModels(db: Connection) {
  return { Message: db.model('StructuredMessage', MessageSchema) };
}
export type MessagingModels = ReturnType<typeof createModels>;
