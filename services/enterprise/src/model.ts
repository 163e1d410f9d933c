/** The enterprise service's collection: enterprises, keyed by their enterprise number. */
import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';
import { DECLARATION_TYPES, QUALITY_TYPES } from '@um/domain';

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

/** A mandate: `mandataryEnterpriseNumber` acts for `enterpriseNumber` for some declaration types. */
const MandateSchema = new Schema(
  {
    enterpriseNumber: { type: String, required: true },
    mandataryEnterpriseNumber: { type: String, required: true },
    declarationTypes: { type: [{ type: String, enum: DECLARATION_TYPES }], required: true },
    validFrom: { type: String, required: true },
    validTo: { type: String },
  },
  { timestamps: true, collection: 'mandates' },
);
MandateSchema.index({ enterpriseNumber: 1, mandataryEnterpriseNumber: 1 });

/** The enterprise's audit trail: every change of its managers, qualities and users. */
const AuditSchema = new Schema(
  {
    enterpriseNumber: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: new Schema({ personId: String, roleKind: String, roleId: String }, { _id: false }), required: true },
    action: { type: String, required: true },
    target: { type: new Schema({ type: String, id: String }, { _id: false }), required: true },
    quality: { type: String },
    /**
     * A person's own change copied from identity (identity.person.audited): the qualities the person
     * holds roles in here, so that each quality's GL/co-GL sees it; and the copy's key (record and
     * enterprise), unique, so that an event delivered twice is stored once.
     */
    qualities: { type: [String], default: undefined },
    sourceKey: { type: String },
    before: { type: Schema.Types.Mixed },
    after: { type: Schema.Types.Mixed },
    requestId: { type: String },
    /**
     * The outbox (src/outbox.ts): a record is stored `pending` and published on JetStream by the
     * relay, which then removes `pending` and sets `publishedAt`. `claimedBy`/`claimUntil`: the
     * relay instance publishing it, so that two instances share the work rather than both doing it.
     */
    pending: { type: Boolean, default: true },
    claimedBy: { type: String },
    claimUntil: { type: Date },
    publishedAt: { type: Date },
  },
  { collection: 'audit', versionKey: false },
);
AuditSchema.index({ enterpriseNumber: 1, at: -1 });
AuditSchema.index({ sourceKey: 1 }, { unique: true, sparse: true });
AuditSchema.index({ pending: 1 }, { sparse: true });

/**
 * Told whenever audit records are stored by this process, with the records when the store says
 * which (a create, an insertMany), so that the relay publishes them at once rather than at its next
 * sweep (the sweep alone would also do: this only saves the wait, and a query).
 */
const auditStoredListeners = new Set<(records?: Array<Record<string, unknown>>) => void>();
export function onAuditStored(listener: (records?: Array<Record<string, unknown>>) => void): () => void {
  auditStoredListeners.add(listener);
  return () => auditStoredListeners.delete(listener);
}
const notifyAuditStored = (records?: Array<Record<string, unknown>>) => {
  for (const listener of auditStoredListeners) listener(records);
};
const plain = (doc: unknown) => (typeof (doc as { toObject?: unknown }).toObject === 'function' ? (doc as { toObject(): Record<string, unknown> }).toObject() : (doc as Record<string, unknown>));
AuditSchema.post('save', (doc: unknown) => notifyAuditStored([plain(doc)]));
AuditSchema.post('insertMany', (docs: unknown) => notifyAuditStored(Array.isArray(docs) ? docs.map(plain) : undefined));
AuditSchema.post('updateOne', () => notifyAuditStored());
AuditSchema.post('bulkWrite', () => notifyAuditStored());

/** A receiver of the enterprise's administrative events; the secret signs each delivery (kept: it must sign). */
const WebhookSchema = new Schema(
  {
    enterpriseNumber: { type: String, required: true },
    url: { type: String, required: true },
    kinds: { type: [String], default: undefined },
    secret: { type: String, required: true },
  },
  { timestamps: true, collection: 'webhooks', versionKey: false },
);
WebhookSchema.index({ enterpriseNumber: 1 });

/**
 * One event for one webhook, keyed `<webhookId>:<eventId>` (an event consumed twice is delivered
 * once), sent until a 2xx or the attempts run out; `claimedBy`/`claimUntil` as in the audit outbox.
 */
const WebhookDeliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    webhookId: { type: String, required: true },
    enterpriseNumber: { type: String, required: true },
    eventId: { type: String, required: true },
    kind: { type: String, required: true },
    /** The exact body sent (and signed) at every attempt. */
    body: { type: String, required: true },
    status: { type: String, enum: ['pending', 'delivered', 'failed'], required: true },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date },
    lastAttemptAt: { type: Date },
    lastStatus: { type: Number },
    lastError: { type: String },
    deliveredAt: { type: Date },
    claimedBy: { type: String },
    claimUntil: { type: Date },
  },
  { collection: 'webhook_deliveries', versionKey: false },
);
WebhookDeliverySchema.index({ webhookId: 1, eventId: -1 });
WebhookDeliverySchema.index({ status: 1, nextAttemptAt: 1 });

function build(db: Connection) {
  return {
    Enterprise: db.model('Enterprise', EnterpriseSchema) as Model<EnterpriseDoc>,
    Mandate: db.model('Mandate', MandateSchema),
    Audit: db.model('Audit', AuditSchema),
    Webhook: db.model('Webhook', WebhookSchema),
    WebhookDelivery: db.model('WebhookDelivery', WebhookDeliverySchema),
  };
}
export type EnterpriseModels = ReturnType<typeof build>;

export function createModels(db: Connection): EnterpriseModels {
  return build(db);
}
