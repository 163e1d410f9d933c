/** The pure part of ingestion: reading an envelope, and routing a valid one from what the other services say now. */
import { StructuredMessageEnvelope, type RejectionReason, type RoutingSnapshot } from '@um/contracts';

export interface Facts {
  /** quality.state of the envelope's enterprise and quality. */
  quality: { active: boolean; technicalUserPersonId?: string };
  /** identity.findAccount of the sender's username (null: no such account). */
  account: { personId: string; status: 'active' | 'blocked' | 'deleted' } | null;
  /** routing-module.snapshot of the enterprise and quality. */
  routing: RoutingSnapshot;
}

export type Decision = { status: 'routed'; recipient: string; channel: string } | { status: 'rejected'; reason: RejectionReason; recipient?: string; channel?: string };

/**
 * In this order: the quality is active; the sender is an account, not blocked, and the quality's
 * current technical user; the inbound channel is registered for the enterprise; a rule exists for
 * the declaration type and is usable (its mandate still covers it, its channel still exists).
 */
export function decide(envelope: StructuredMessageEnvelope, facts: Facts): Decision {
  if (!facts.quality.active) return { status: 'rejected', reason: 'QUALITY_NOT_ACTIVE' };
  if (!facts.account || facts.account.status === 'deleted') return { status: 'rejected', reason: 'UNKNOWN_SENDER' };
  if (facts.account.status === 'blocked') return { status: 'rejected', reason: 'SENDER_BLOCKED' };
  if (facts.account.personId !== facts.quality.technicalUserPersonId) return { status: 'rejected', reason: 'NOT_TECHNICAL_USER' };
  if (!facts.routing.channels.includes(envelope.channel)) return { status: 'rejected', reason: 'CHANNEL_NOT_REGISTERED' };
  const rule = facts.routing.rules.find((r) => r.declarationType === envelope.declarationType);
  if (!rule || rule.state === 'unset' || !rule.recipient || !rule.channel) return { status: 'rejected', reason: 'NO_ROUTING_RULE' };
  const target = { recipient: rule.recipient, channel: rule.channel };
  if (rule.state === 'mandate-ended') return { status: 'rejected', reason: 'MANDATE_ENDED', ...target };
  if (rule.state === 'channel-deleted') return { status: 'rejected', reason: 'CHANNEL_DELETED', ...target };
  return { status: 'routed', ...target };
}

export type Parsed =
  | { ok: true; key: string; envelope: StructuredMessageEnvelope }
  | { ok: false; key: string; partial: Record<string, unknown>; problems: string[] };

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Where a message's key comes from when its body has no usable messageId: its Nats-Msg-Id header,
 * else its stream sequence. Asked only then (reading headers costs a parse per message).
 */
export type FallbackKey = () => { headerId: string | undefined; streamSeq: number };

/**
 * Reads one inbound message. `subjectChannel` is the last token of its subject, which must match
 * the envelope's channel. A malformed message is still keyed, so that it is stored (once) too: by
 * its messageId when readable, else its Nats-Msg-Id header, else its stream sequence.
 */
export function parseEnvelope(data: Uint8Array, subjectChannel: string, fallback: FallbackKey): Parsed {
  let body: unknown;
  try {
    // A view on the message's bytes, not a copy.
    body = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    body = undefined;
  }
  const raw = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const readableId = typeof raw.messageId === 'string' && KEY.test(raw.messageId) ? raw.messageId : undefined;
  const keyOf = () => {
    if (readableId) return readableId;
    const { headerId, streamSeq } = fallback();
    return headerId && KEY.test(headerId) ? headerId : `stream-seq-${streamSeq}`;
  };
  if (body === undefined) return { ok: false, key: keyOf(), partial: pick(raw), problems: ['body: not JSON'] };
  const parsed = StructuredMessageEnvelope.safeParse(body);
  if (!parsed.success) return { ok: false, key: keyOf(), partial: pick(raw), problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) };
  if (parsed.data.channel !== subjectChannel) return { ok: false, key: keyOf(), partial: pick(raw), problems: [`channel: ${parsed.data.channel} is not the subject's ${subjectChannel}`] };
  return { ok: true, key: keyOf(), envelope: parsed.data };
}

/** What may be kept of a malformed envelope: the string fields that fit, for the listing and the outcome. */
function pick(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ['enterpriseNumber', 'quality', 'declarationType', 'channel', 'fileName', 'sha256', 'receivedAt'] as const) {
    const value = raw[field];
    if (typeof value === 'string' && value.length <= 255) out[field] = value;
  }
  const sender = raw.sender as { username?: unknown } | undefined;
  if (sender && typeof sender.username === 'string' && sender.username.length <= 64) out.sender = sender.username;
  if (typeof raw.sizeBytes === 'number' && Number.isFinite(raw.sizeBytes)) out.sizeBytes = raw.sizeBytes;
  return out;
}
