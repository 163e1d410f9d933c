/**
 * Ingestion from NATS JetStream (the `nats` client directly: Moleculer's transporter does not
 * expose JetStream). One stream captures `structured-messages.inbound.>`, one durable pull
 * consumer feeds batches: each batch is parsed, its facts looked up once per enterprise × quality
 * and sender (shared with the batches delivered before the look-up started, see facts.ts), decided, stored (one insert per message, keyed by messageId: a redelivery or resend is stored
 * once), and only then acknowledged; outcomes are published on `…routed` / `…rejected`.
 */
import { AckPolicy, DeliverPolicy, RetentionPolicy, StorageType, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import type { ServiceBroker } from 'moleculer';
import { structuredMessageSubjects, type StructuredMessageOutcome } from '@um/contracts';
import { connectJetStream, ensureConsumer, ensureStream, isDuplicateKey, type Logger } from '@um/platform';
import { decide, parseEnvelope, type Parsed } from './decide.js';
import { FactsSource } from './facts.js';
import type { MessagingModels } from './model.js';

export interface IngestOptions {
  natsUrl: string;
  namespace: string;
  batchSize: number;
  /** Batches processed at the same time. */
  maxInFlight: number;
  ackWaitMs: number;
  /** A look-up of quality, routing or account facts is shared by later batches for at most this long (see facts.ts). */
  factsMaxAgeMs: number;
}

type StoredDoc = {
  _id: string;
  status: 'routed' | 'rejected';
  enterpriseNumber?: string;
  quality?: string;
  recipient?: string;
  channel?: string;
  reason?: string;
  [field: string]: unknown;
};

const NAK_DELAY_MS = 1_000;
/** Redelivered messages looked up by one `$in` (the local store pushes down at most 1,000 values). */
const STORED_BEFORE_SLICE = 500;

export class Ingestion {
  private nc?: NatsConnection;
  private messages?: ConsumerMessages;
  /** Delivered messages waiting for a batch, with when each was delivered to this process. */
  private readonly queue: Array<{ msg: JsMsg; at: number }> = [];
  private readonly facts: FactsSource;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private loop?: Promise<void>;
  readonly subjects: ReturnType<typeof structuredMessageSubjects>;

  constructor(
    private readonly options: IngestOptions,
    private readonly models: MessagingModels,
    private readonly broker: ServiceBroker,
    private readonly logger: Logger,
  ) {
    this.subjects = structuredMessageSubjects(options.namespace);
    this.facts = new FactsSource(broker, options.factsMaxAgeMs);
  }

  async start(): Promise<void> {
    this.nc = await connectJetStream({ natsUrl: this.options.natsUrl, name: 'structured-messaging', logger: this.logger });
    await this.ensureStreamAndConsumer();
    this.loop = this.consumeForever();
  }

  /** Takes no more messages (SIGTERM, before the broker starts draining); queued ones go back to the stream. */
  pause(): void {
    if (this.stopping) return;
    this.stopping = true;
    void this.messages?.close().catch(() => undefined);
    for (const { msg } of this.queue.splice(0)) msg.nak();
  }

  /** Stops taking messages, finishes the batches being processed, gives back the queued ones, drains. */
  async stop(): Promise<void> {
    this.pause();
    await this.messages?.close().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    for (const { msg } of this.queue.splice(0)) msg.nak();
    await this.loop?.catch(() => undefined);
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    this.logger.info('ingestion stopped: in-flight batches done, queued messages given back');
  }

  /** Idempotent: creates the stream and the durable consumer when missing, leaves them otherwise. */
  private async ensureStreamAndConsumer(): Promise<void> {
    const jsm = await this.nc!.jetstreamManager();
    const { stream, durable, inbound } = this.subjects;
    await ensureStream(jsm, {
      name: stream,
      subjects: [`${inbound}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      // Nats-Msg-Id de-duplication at the stream for re-sends within this window; the store's
      // unique messageId covers the rest.
      duplicate_window: nanos(2 * 60_000),
      max_age: nanos(7 * 24 * 3_600_000),
    });
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${inbound}.>`,
      ack_wait: nanos(this.options.ackWaitMs),
      // Never give up on a message: a message is stored with a final status, or redelivered.
      max_deliver: -1,
      max_ack_pending: this.options.batchSize * (this.options.maxInFlight + 4),
    };
    await ensureConsumer(jsm, stream, config);
  }

  /** Re-subscribes whenever the pull subscription ends (NATS restarted without the stream, …) until stopped. */
  private async consumeForever(): Promise<void> {
    while (!this.stopping) {
      try {
        const js = this.nc!.jetstream();
        const consumer = await js.consumers.get(this.subjects.stream, this.subjects.durable);
        this.messages = await consumer.consume({
          max_messages: this.options.batchSize * 2,
          callback: (msg) => {
            if (this.stopping) return msg.nak();
            this.queue.push({ msg, at: Date.now() });
            this.schedule();
          },
        });
        await this.messages.closed();
      } catch (err) {
        if (this.stopping) break;
        this.logger.warn({ err: (err as Error).message }, 'JetStream consumer unavailable, retrying');
      }
      if (this.stopping) break;
      await new Promise((r) => setTimeout(r, 1_000));
      await this.ensureStreamAndConsumer().catch((err: unknown) => this.logger.warn({ err: (err as Error).message }, 'could not ensure the stream'));
    }
  }

  private schedule(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.options.maxInFlight) {
      const delivered = this.queue.splice(0, this.options.batchSize);
      const batch = delivered.map((d) => d.msg);
      const task: Promise<void> = this.process(batch, delivered.at(-1)!.at)
        .catch((err: unknown) => {
          this.logger.warn({ err: (err as Error).message, size: batch.length }, 'batch not processed, given back for redelivery');
          for (const msg of batch) msg.nak(NAK_DELAY_MS);
        })
        .finally(() => {
          this.inFlight.delete(task);
          if (!this.stopping) this.schedule();
        });
      this.inFlight.add(task);
    }
  }

  /** One batch (its last message delivered at `deliveredAt`): parse, look up, decide, store, ack what is stored, publish. */
  private async process(batch: JsMsg[], deliveredAt: number): Promise<void> {
    const prefix = `${this.subjects.inbound}.`;
    // The same messageId twice in one batch (a resend): the first one decides. Messages stored by an
    // earlier delivery are found by the insert itself (duplicate key), not by a query first: a
    // redelivery is rare, and the usual batch then costs one round trip to the store, not two.
    const seen = new Set<string>();
    const fresh: Array<{ msg: JsMsg; parsed: Parsed }> = [];
    const duplicates: JsMsg[] = [];
    for (const msg of batch) {
      const p = parseEnvelope(msg.data, msg.subject.startsWith(prefix) ? msg.subject.slice(prefix.length) : '', () => ({
        headerId: msg.headers?.get('Nats-Msg-Id') || undefined,
        streamSeq: msg.seq,
      }));
      if (seen.has(p.key)) duplicates.push(msg);
      else {
        seen.add(p.key);
        fresh.push({ msg, parsed: p });
      }
    }

    const factsOf = await this.facts.of(
      fresh.flatMap(({ parsed: p }) => (p.ok ? [p.envelope] : [])),
      deliveredAt,
    );
    const now = new Date();
    const docs: StoredDoc[] = fresh.map(({ msg, parsed: p }) => {
      if (!p.ok) {
        this.logger.warn({ messageId: p.key, subject: msg.subject, problems: p.problems }, 'malformed structured message rejected');
        return { _id: p.key, ...p.partial, status: 'rejected', reason: 'MALFORMED_ENVELOPE', problems: p.problems, processedAt: now, streamSeq: msg.seq };
      }
      const e = p.envelope;
      const decision = decide(e, factsOf(e));
      return {
        _id: e.messageId,
        enterpriseNumber: e.enterpriseNumber,
        quality: e.quality,
        declarationType: e.declarationType,
        inboundChannel: e.channel,
        sender: e.sender.username,
        fileName: e.fileName,
        sizeBytes: e.sizeBytes,
        sha256: e.sha256,
        receivedAt: e.receivedAt,
        ...decision,
        processedAt: now,
        streamSeq: msg.seq,
      };
    });

    const { failed, existing } = await this.store(docs);
    // A redelivered message was stored before, maybe by a process that died before acknowledging
    // or publishing: its stored outcome is published again (outcomes are at-least-once too).
    const before = await this.storedBefore(existing);
    fresh.forEach(({ msg }, i) => {
      const doc = docs[i]!;
      if (failed.has(doc._id)) return msg.nak(NAK_DELAY_MS);
      msg.ack();
      this.publish(before.get(doc._id) ?? doc);
    });
    for (const msg of duplicates) msg.ack();
  }

  /** The stored documents of messages stored by an earlier delivery: one `$in` on `_id` per slice of them. */
  private async storedBefore(ids: string[]): Promise<Map<string, StoredDoc>> {
    const found = new Map<string, StoredDoc>();
    for (let i = 0; i < ids.length; i += STORED_BEFORE_SLICE) {
      const docs = await this.models.Message.find({ _id: { $in: ids.slice(i, i + STORED_BEFORE_SLICE) } }).lean<StoredDoc[]>();
      for (const d of docs) found.set(d._id, d);
    }
    return found;
  }

  /** Inserts each decided message once: answers those that could not be stored, and those stored before (duplicate key). */
  private async store(docs: StoredDoc[]): Promise<{ failed: Set<string>; existing: string[] }> {
    const failed = new Set<string>();
    const existing: string[] = [];
    if (docs.length === 0) return { failed, existing };
    try {
      await this.models.Message.insertMany(docs, { ordered: false, lean: true });
    } catch (err) {
      const writeErrors = (err as { writeErrors?: Array<{ index?: number; err?: { index?: number; code?: number }; code?: number }> }).writeErrors;
      if (!writeErrors) throw err;
      for (const we of writeErrors) {
        const index = we.index ?? we.err?.index;
        const doc = index === undefined ? undefined : docs[index];
        if (!doc) continue;
        if (isDuplicateKey(we.err ?? we)) existing.push(doc._id);
        else failed.add(doc._id);
      }
    }
    return { failed, existing };
  }

  private publish(doc: StoredDoc): void {
    const outcome: StructuredMessageOutcome = {
      messageId: doc._id,
      enterpriseNumber: doc.enterpriseNumber ?? '',
      quality: doc.quality ?? '',
      ...(doc.recipient ? { recipient: doc.recipient } : {}),
      ...(doc.channel ? { channel: doc.channel } : {}),
      ...(doc.reason ? { reason: doc.reason as StructuredMessageOutcome['reason'] } : {}),
    };
    try {
      this.nc!.publish(doc.status === 'routed' ? this.subjects.routed : this.subjects.rejected, JSON.stringify(outcome));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, messageId: doc._id }, 'outcome not published');
    }
  }
}
