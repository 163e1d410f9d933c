/**
 * Routing module and structured messages (docs/product.md §3 and §5): batch channels, routing rules,
 * the JetStream envelope of a structured message and the outcomes published for it.
 */
import { z } from 'zod';
import { DECLARATION_TYPES } from '@um/domain';
import { EnterpriseNumber, ObjectId, QualityTypeCode } from '../fields.js';

export const DeclarationTypeCode = z.enum(DECLARATION_TYPES);

// ---- batch channels (senders directory) ---------------------------------------------------------

const ChannelName = z.string().trim().min(1).max(100);
/** A DNS name or an IPv4 address. */
const Host = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, 'must be a host name or an IPv4 address');
/** IBM MQ object names: up to 48 characters of A-Z a-z 0-9 . / _ %. */
const MqName = z.string().regex(/^[A-Za-z0-9./_%]{1,48}$/, 'must be 1 to 48 characters of A-Z a-z 0-9 . / _ %');

export const FtpParameters = z.strictObject({
  host: Host,
  port: z.number().int().min(1).max(65535).optional(),
  directory: z.string().regex(/^\/[^\0]{0,254}$/, 'must be an absolute path').optional(),
});
export const MqlinkParameters = z.strictObject({ queueManager: MqName, queue: MqName });
export const IsabelParameters = z.strictObject({ mailbox: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 characters of A-Z a-z 0-9 . _ -') });

/** POST /enterprises/{en}/batch-channels: one discriminated union over the channel type. */
export const BatchChannelBody = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ftp'), name: ChannelName, parameters: FtpParameters }),
  z.strictObject({ type: z.literal('mqlink'), name: ChannelName, parameters: MqlinkParameters }),
  z.strictObject({ type: z.literal('isabel'), name: ChannelName, parameters: IsabelParameters }),
]);
export type BatchChannelBody = z.infer<typeof BatchChannelBody>;

/** `ebox` (the enterprise's electronic mailbox, always there) or a registered channel's id. */
export const ChannelRef = z.union([z.literal('ebox'), ObjectId]).meta({ description: '"ebox" or a channelId' });

export const BatchChannelView = z.object({
  channelId: z.string(),
  type: z.enum(['ebox', 'ftp', 'mqlink', 'isabel']),
  name: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  createdAt: z.string().optional(),
});
export type BatchChannelView = z.infer<typeof BatchChannelView>;
export const BatchChannelList = z.object({ items: z.array(BatchChannelView) });
export const CreateChannelResult = z.object({ channelId: z.string() });
export const ChannelParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, channelId: ChannelRef });

// ---- routing rules ------------------------------------------------------------------------------

export const RULE_STATES = ['unset', 'active', 'mandate-ended', 'channel-deleted'] as const;
export const RuleState = z.enum(RULE_STATES);
export type RuleState = z.infer<typeof RuleState>;

export const RoutingParams = z.strictObject({ enterpriseNumber: EnterpriseNumber, type: QualityTypeCode, declarationType: DeclarationTypeCode });
export const RecipientBody = z.strictObject({ recipient: EnterpriseNumber });
export const ChannelBody = z.strictObject({ channel: ChannelRef });

export const RoutingRuleView = z.object({
  declarationType: DeclarationTypeCode,
  recipient: z.string().nullable(),
  channel: z.string().nullable(),
  state: RuleState,
  updatedAt: z.string().optional(),
});
export type RoutingRuleView = z.infer<typeof RoutingRuleView>;
export const RoutingRuleList = z.object({ enterpriseNumber: z.string(), quality: QualityTypeCode, items: z.array(RoutingRuleView) });

/** A rule of another enterprise naming this one as recipient (GET /enterprises/{en}/routing/received). */
export const ReceivedRuleView = RoutingRuleView.extend({ enterpriseNumber: z.string(), quality: QualityTypeCode });
export const ReceivedRuleList = z.object({ recipient: z.string(), items: z.array(ReceivedRuleView) });

/** Internal (structured messaging): the enterprise's inbound channels and the quality's rules, states checked now. */
export const RoutingSnapshot = z.object({
  channels: z.array(z.string()),
  rules: z.array(RoutingRuleView),
});
export type RoutingSnapshot = z.infer<typeof RoutingSnapshot>;

// ---- structured messages ------------------------------------------------------------------------

/** A NATS subject token: the channel's id or `ebox`. */
const SubjectToken = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 characters of A-Z a-z 0-9 _ -');

/** The JSON body published on `structured-messages.inbound.<channel>` (binding). */
export const StructuredMessageEnvelope = z.object({
  messageId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : -'),
  channel: SubjectToken,
  enterpriseNumber: EnterpriseNumber,
  quality: QualityTypeCode,
  declarationType: DeclarationTypeCode,
  sender: z.object({ username: z.string().min(1).max(64) }),
  fileName: z.string().min(1).max(255),
  sizeBytes: z.number().int().min(0).max(2 ** 40),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  receivedAt: z.iso.datetime({ offset: true }),
});
export type StructuredMessageEnvelope = z.infer<typeof StructuredMessageEnvelope>;

/** Why a message was rejected: stored with it, published with it. */
export const REJECTION_REASONS = [
  'MALFORMED_ENVELOPE',
  'QUALITY_NOT_ACTIVE',
  'UNKNOWN_SENDER',
  'SENDER_BLOCKED',
  'NOT_TECHNICAL_USER',
  'CHANNEL_NOT_REGISTERED',
  'NO_ROUTING_RULE',
  'MANDATE_ENDED',
  'CHANNEL_DELETED',
] as const;
export const RejectionReason = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof RejectionReason>;

export const MESSAGE_STATUSES = ['received', 'routed', 'rejected'] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);

/** Published on `structured-messages.routed` / `structured-messages.rejected` (binding). */
export const StructuredMessageOutcome = z.object({
  messageId: z.string(),
  enterpriseNumber: z.string(),
  quality: z.string(),
  recipient: z.string().optional(),
  channel: z.string().optional(),
  reason: RejectionReason.optional(),
});
export type StructuredMessageOutcome = z.infer<typeof StructuredMessageOutcome>;

export const StructuredMessageQuery = z.strictObject({
  status: MessageStatus.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const StructuredMessageView = z.object({
  messageId: z.string(),
  status: MessageStatus,
  reason: RejectionReason.optional(),
  declarationType: z.string().optional(),
  inboundChannel: z.string().optional(),
  sender: z.string().optional(),
  fileName: z.string().optional(),
  sizeBytes: z.number().optional(),
  sha256: z.string().optional(),
  receivedAt: z.string().optional(),
  recipient: z.string().optional(),
  channel: z.string().optional(),
  processedAt: z.string(),
});
export type StructuredMessageView = z.infer<typeof StructuredMessageView>;
export const StructuredMessagePage = z.object({ items: z.array(StructuredMessageView), total: z.number(), page: z.number(), pageSize: z.number() });

/**
 * The JetStream names of one system. With a Moleculer namespace (tests, several systems on one
 * NATS) every subject and the stream are prefixed with it; without one they are the contract's.
 */
export function structuredMessageSubjects(namespace = '') {
  const prefix = namespace ? `${namespace}.` : '';
  return {
    stream: namespace ? `STRUCTURED_MESSAGES_${namespace.toUpperCase().replaceAll('-', '_')}` : 'STRUCTURED_MESSAGES',
    durable: 'structured-messaging',
    inbound: `${prefix}structured-messages.inbound`,
    routed: `${prefix}structured-messages.routed`,
    rejected: `${prefix}structured-messages.rejected`,
  };
}
