/**
 * The administrative events published on JetStream (and POSTed to webhooks): one per record of an
 * enterprise's audit trail, on `um.events.<enterpriseNumber>.<kind>`, its `Nats-Msg-Id` the
 * record's id. The body is versioned: `schemaVersion` changes only when a field is removed or its
 * meaning changes; fields may be added within a version, so consumers ignore unknown fields.
 */
import { z } from 'zod';
import { EnterpriseNumber, ObjectId, QualityTypeCode } from '../fields.js';
import { RoleKindCode } from '../schemas.js';

export const ADMIN_EVENT_SCHEMA_VERSION = 1 as const;

/** An event kind: the audit action, dot-separated lower-case words (`user.registered`, `mandate.ended`). */
export const AdminEventKind = z.string().regex(/^[a-z][a-z-]*(\.[a-z][a-z-]*)+$/);

export const AdminEventV1 = z
  .object({
    /** The audit record's id: also `Nats-Msg-Id`, `X-UM-Event-Id`, and the key to de-duplicate on. */
    eventId: z.string().regex(/^[0-9a-f]{24}$/),
    schemaVersion: z.literal(ADMIN_EVENT_SCHEMA_VERSION),
    kind: AdminEventKind,
    enterpriseNumber: z.string().regex(/^\d{10}$/),
    /** When the change was recorded (ISO 8601, UTC). */
    at: z.iso.datetime(),
    actor: z.object({ personId: z.string(), roleKind: RoleKindCode.optional(), roleId: z.string().optional() }),
    target: z.object({ type: z.string(), id: z.string() }),
    /** The quality the change concerns, when it concerns one. */
    quality: QualityTypeCode.optional(),
    /** A person's own change: the qualities they hold roles in within this enterprise. */
    qualities: z.array(QualityTypeCode).optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    /** The request that made the change (the gateway's X-Request-Id), to follow it in the logs. */
    requestId: z.string().optional(),
  })
  .meta({ title: 'User Management administrative event, version 1' });
export type AdminEventV1 = z.infer<typeof AdminEventV1>;

/** The JSON Schema of version 1 as docs/events.md shows it (additional properties allowed: fields may be added within a version). */
export function adminEventJsonSchema(): string {
  return JSON.stringify(z.toJSONSchema(AdminEventV1, { io: 'input' }), null, 2);
}

export { ADMIN_EVENT_KINDS } from '../event-kinds.js';

/**
 * The JetStream names of the event stream. With a Moleculer namespace (tests, several systems on
 * one NATS) the subjects and the stream are prefixed with it; without one they are the contract's.
 */
export function adminEventSubjects(namespace = '') {
  const prefix = namespace ? `${namespace}.` : '';
  const root = `${prefix}um.events`;
  return {
    stream: namespace ? `UM_EVENTS_${namespace.toUpperCase().replaceAll('-', '_')}` : 'UM_EVENTS',
    root,
    /** The subject of one event. */
    subject: (enterpriseNumber: string, kind: string) => `${root}.${enterpriseNumber}.${kind}`,
    /** Every event of one enterprise. */
    ofEnterprise: (enterpriseNumber: string) => `${root}.${enterpriseNumber}.>`,
  };
}

// ---- webhooks: the events POSTed to an enterprise's own receiver -----------------------------

export const WebhookBody = z.strictObject({
  /** https on a public address (PRODUCT: webhooks; the rule is webhookUrlProblem in @um/domain). */
  url: z.string().min(1).max(2_000),
  /** Only these kinds (default: every kind). */
  kinds: z.array(AdminEventKind).min(1).max(50).optional(),
});
export type WebhookBody = z.infer<typeof WebhookBody>;

export const WebhookView = z.object({
  webhookId: z.string(),
  url: z.string(),
  kinds: z.array(z.string()).optional(),
  createdAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

/** The answer to a registration: the only time the signing secret is shown. */
export const WebhookCreated = WebhookView.extend({
  /** Signs every delivery (`X-UM-Signature: sha256=<hex HMAC-SHA256 of the body>`); keep it secret. */
  secret: z.string(),
});
export const WebhookList = z.object({ items: z.array(WebhookView) });

export const WebhookParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, webhookId: ObjectId });

export const WebhookDeliveryView = z.object({
  eventId: z.string(),
  kind: z.string(),
  /** `pending`: waiting for its (next) attempt; `delivered`: a 2xx answer; `failed`: attempts used up. */
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  /** The receiver's last HTTP status, absent when it gave none (refused, timed out, address refused). */
  lastStatus: z.number().int().optional(),
  lastError: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  nextAttemptAt: z.string().optional(),
  deliveredAt: z.string().optional(),
});
export type WebhookDeliveryView = z.infer<typeof WebhookDeliveryView>;
export const WebhookDeliveryPage = z.object({ items: z.array(WebhookDeliveryView), total: z.number(), page: z.number(), pageSize: z.number() });
