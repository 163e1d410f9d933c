/**
 * The outbox relay: every audit record is stored `pending` (model.ts) and published here on
 * JetStream as an administrative event (`um.events.<enterpriseNumber>.<kind>`, `Nats-Msg-Id` = the
 * record's id), then marked published once JetStream has acknowledged it. A record is thus never
 * published without being stored, and a stored one is published even if this process dies between
 * the two: the next sweep (here at start, after a store whose records the relay was not handed, and
 * every `sweepMs`; or on any other instance) finds it still pending and publishes it again, which JetStream drops as a duplicate
 * when the first publish did get through within the stream's duplicate window.
 *
 * Records this process stores (recordAudit, recordAudits) are published straight from memory as the
 * store hands them back, in the order stored, a batch at a time, without a query (a bulk import
 * stores thousands in a few seconds: reading the pending ones back for each batch would read the
 * whole backlog each time, FerretDB pushing neither the sort nor the limit down). Sweeps publish the
 * rest: records stored by an instance without a relay, or left pending by a failure or a death.
 *
 * Several instances: a sweep claims a batch (`claimedBy`, `claimUntil`) before publishing it, so that
 * they share the pending records rather than all publish each. A claim is a hint, not a lock (the
 * store may let two claims of one record both succeed, and a claim outlives a dead instance only
 * until `claimUntil`): what makes the event go out once is the de-duplication by `Nats-Msg-Id`.
 */
import { randomBytes } from 'node:crypto';
import { RetentionPolicy, StorageType, nanos, type JetStreamClient, type NatsConnection, type StreamConfig } from 'nats';
import { ADMIN_EVENT_SCHEMA_VERSION, adminEventSubjects, type AdminEventV1 } from '@um/contracts';
import { CoalescingRunner, connectJetStream, ensureStream, type Logger } from '@um/platform';
import { onAuditStored, type EnterpriseModels } from './model.js';

export interface RelayOptions {
  natsUrl: string;
  namespace: string;
  /** Pending records are looked for this often even when nothing was stored by this process. */
  sweepMs: number;
  /** How long a claimed batch is left to its instance before another one may take it. */
  claimMs: number;
  batchSize: number;
  /** The stream's de-duplication window by Nats-Msg-Id (applies when the relay creates the stream). */
  duplicateWindowMs: number;
  /** How long the stream keeps events (applies when the relay creates the stream). */
  maxAgeMs: number;
}

type AuditDoc = {
  _id: { toString(): string };
  enterpriseNumber: string;
  at: Date;
  action: string;
  actor: { personId?: string | null; roleKind?: string | null; roleId?: string | null };
  target: { type?: string | null; id?: string | null };
  quality?: string | null;
  qualities?: string[] | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
};

/** The UM_EVENTS stream, as whichever part of the service reaches NATS first creates it. */
export function eventStreamConfig(
  subjects: ReturnType<typeof adminEventSubjects>,
  options: { duplicateWindowMs: number; maxAgeMs: number },
): Partial<StreamConfig> & { name: string } {
  return {
    name: subjects.stream,
    subjects: [`${subjects.root}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: nanos(options.duplicateWindowMs),
    max_age: nanos(options.maxAgeMs),
  };
}

/** Pending records no live instance holds a claim on at `now` (a sweep's to take). */
const unclaimedAt = (now: Date) => ({ pending: true, $or: [{ claimUntil: { $exists: false } }, { claimUntil: { $lt: now } }] });

/** The event of one audit record (the schema is AdminEventV1 in @um/contracts). */
export function eventOf(doc: AuditDoc): AdminEventV1 {
  return {
    eventId: doc._id.toString(),
    schemaVersion: ADMIN_EVENT_SCHEMA_VERSION,
    kind: doc.action,
    enterpriseNumber: doc.enterpriseNumber,
    at: doc.at.toISOString(),
    actor: {
      personId: doc.actor.personId ?? 'system',
      ...(doc.actor.roleKind ? { roleKind: doc.actor.roleKind as NonNullable<AdminEventV1['actor']['roleKind']> } : {}),
      ...(doc.actor.roleId ? { roleId: doc.actor.roleId } : {}),
    },
    target: { type: doc.target.type ?? '', id: doc.target.id ?? '' },
    ...(doc.quality ? { quality: doc.quality as NonNullable<AdminEventV1['quality']> } : {}),
    ...(doc.qualities?.length ? { qualities: doc.qualities as NonNullable<AdminEventV1['qualities']> } : {}),
    ...(doc.before !== undefined && doc.before !== null ? { before: doc.before } : {}),
    ...(doc.after !== undefined && doc.after !== null ? { after: doc.after } : {}),
    ...(doc.requestId ? { requestId: doc.requestId } : {}),
  };
}

export class OutboxRelay {
  readonly subjects: ReturnType<typeof adminEventSubjects>;
  /** This instance's name in `claimedBy`. */
  readonly instance = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private streamReady = false;
  /** Sweeps: one at a time, one more right after when asked during one (a record stored meanwhile may have been missed). */
  private readonly sweeps = new CoalescingRunner(
    () => this.sweep(),
    (err) => this.logger.warn({ err: (err as Error).message }, 'outbox sweep failed; pending events stay for the next one'),
  );
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  /** Records this process stored, waiting to be published from memory, and their ids until marked. */
  private fresh: AuditDoc[] = [];
  private readonly inHand = new Set<string>();
  private publishing?: Promise<void>;

  constructor(
    private readonly options: RelayOptions,
    private readonly models: EnterpriseModels,
    private readonly logger: Logger,
  ) {
    this.subjects = adminEventSubjects(options.namespace);
  }

  async start(): Promise<void> {
    this.nc = await connectJetStream({ natsUrl: this.options.natsUrl, name: 'enterprise-outbox', logger: this.logger });
    this.js = this.nc.jetstream();
    this.unsubscribe = onAuditStored((records) => (records ? this.publishStored(records as unknown as AuditDoc[]) : this.kick()));
    this.timer = setInterval(() => this.kick(), this.options.sweepMs);
    this.timer.unref();
    this.kick();
  }

  /** Runs a sweep now, or right after the one running. */
  kick(): void {
    if (!this.stopping) this.sweeps.kick();
  }

  /** Stops sweeping and waits for the sweep in progress; what it has not marked stays pending for the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.sweeps.stop();
    await this.publishing;
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  /** Records just stored by this process: published in that order, batch by batch (a claimed one is left to its claimant). */
  private publishStored(records: AuditDoc[]): void {
    if (this.stopping) return;
    const now = Date.now();
    for (const doc of records) {
      const claimed = (doc as { claimUntil?: Date | null }).claimUntil;
      if (!(doc as { pending?: boolean }).pending || (claimed && claimed.getTime() > now)) continue;
      this.fresh.push(doc);
      this.inHand.add(doc._id.toString());
    }
    this.publishing ??= this.drainStored().finally(() => {
      this.publishing = undefined;
    });
  }

  private async drainStored(): Promise<void> {
    while (this.fresh.length > 0 && !this.stopping) {
      const batch = this.fresh.splice(0, this.options.batchSize);
      try {
        await this.ensureStream();
        await this.publish(batch, false);
      } catch (err) {
        // Left pending: the next sweep (any instance) publishes them.
        this.logger.warn({ err: (err as Error).message, records: batch.length }, 'outbox publish failed; the records stay pending for the next sweep');
      } finally {
        for (const doc of batch) this.inHand.delete(doc._id.toString());
      }
    }
    for (const doc of this.fresh.splice(0)) this.inHand.delete(doc._id.toString());
  }

  private async ensureStream(): Promise<void> {
    if (this.streamReady) return;
    const jsm = await this.nc!.jetstreamManager();
    await ensureStream(jsm, eventStreamConfig(this.subjects, this.options));
    this.streamReady = true;
  }

  /**
   * Publishes pending records until none is left to this instance: their ids read once (FerretDB
   * reads every pending record whatever the limit, so a batch at a time would read a large backlog
   * again for each batch), then claimed and published a batch at a time; then read again for those
   * stored meanwhile.
   */
  private async sweep(): Promise<void> {
    await this.ensureStream();
    while (!this.stopping) {
      const ids = await this.pendingIds();
      let published = 0;
      for (let i = 0; i < ids.length && !this.stopping; i += this.options.batchSize) {
        const batch = await this.claim(ids.slice(i, i + this.options.batchSize));
        if (batch.length > 0) await this.publish(batch, true);
        published += batch.length;
      }
      // Nothing left, or all taken by other instances meanwhile: the next sweep looks again.
      if (published === 0) return;
    }
  }

  /**
   * Publishes a batch and marks what JetStream acknowledged; throws if a publish failed, after
   * giving back the claim of those that did not go out (`claimed`: the sweep's batches).
   */
  private async publish(batch: AuditDoc[], claimed: boolean): Promise<void> {
    // Sent together, in the order they were stored, on one connection: JetStream stores them in
    // that order (a consumer sees one enterprise's changes in order), and the acks come back
    // together rather than one round trip per record. A record whose publish failed goes out with
    // a later sweep, after those sent with it.
    const outcomes = await Promise.allSettled(
      batch.map((doc) => {
        const event = eventOf(doc);
        return this.js!.publish(this.subjects.subject(event.enterpriseNumber, event.kind), JSON.stringify(event), { msgID: event.eventId, timeout: 5_000 });
      }),
    );
    const published = batch.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((d) => d._id);
    const failed = batch.filter((_, i) => outcomes[i]!.status === 'rejected').map((d) => d._id);
    if (published.length > 0) {
      await this.models.Audit.updateMany({ _id: { $in: published } }, { $unset: { pending: 1, claimedBy: 1, claimUntil: 1 }, $set: { publishedAt: new Date() } });
    }
    if (failed.length > 0) {
      // Given back at once rather than when the claim runs out: the next sweep (any instance) retries.
      if (claimed) await this.models.Audit.updateMany({ _id: { $in: failed }, claimedBy: this.instance }, { $unset: { claimedBy: 1, claimUntil: 1 } });
      throw (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason;
    }
  }

  /** The pending records not claimed by a live instance, oldest first (without those this process is publishing from memory). */
  private async pendingIds(): Promise<Array<AuditDoc['_id']>> {
    const found = await this.models.Audit.find(unclaimedAt(new Date()), { _id: 1 }).sort({ _id: 1 }).lean();
    return found.filter((c) => !this.inHand.has(String(c._id))).map((c) => c._id);
  }

  /** Claims these records where still pending and not claimed by a live instance; answers those this instance holds. */
  private async claim(ids: Array<AuditDoc['_id']>): Promise<AuditDoc[]> {
    const now = new Date();
    await this.models.Audit.updateMany({ _id: { $in: ids }, ...unclaimedAt(now) }, { $set: { claimedBy: this.instance, claimUntil: new Date(now.getTime() + this.options.claimMs) } });
    const mine = await this.models.Audit.find({ _id: { $in: ids }, pending: true, claimedBy: this.instance }).sort({ _id: 1 }).lean();
    return mine as unknown as AuditDoc[];
  }
}
