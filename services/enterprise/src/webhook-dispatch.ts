/**
 * Webhooks: the administrative events, consumed from the UM_EVENTS stream with a durable consumer
 * (`webhooks`: a restart resumes where the last acknowledged event left off), become one delivery
 * per matching webhook in the store (keyed webhook × event: an event redelivered by JetStream is
 * recorded once) and are acknowledged only then. Deliveries are POSTed, signed, by whichever
 * instance claims them, and retried with exponential backoff until a 2xx or the attempts run out.
 * Delivery is at least once (an instance that dies after the receiver answered and before
 * recording it leaves the delivery to be sent again when its claim runs out): receivers
 * de-duplicate on X-UM-Event-Id.
 */
import { createHmac, randomBytes } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AckPolicy, DeliverPolicy, nanos, type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { AdminEventV1, adminEventSubjects } from '@um/contracts';
import { isLoopbackHost, nonPublicAddress, webhookRetryDelayMs, webhookUrlProblem } from '@um/domain';
import { CoalescingRunner, connectJetStream, ensureConsumer, ensureStream, isDuplicateKey, type Logger } from '@um/platform';
import type { EnterpriseModels } from './model.js';
import { eventStreamConfig } from './outbox.js';

export interface DispatchOptions {
  natsUrl: string;
  namespace: string;
  allowLoopback: boolean;
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  duplicateWindowMs: number;
  maxAgeMs: number;
}

/** `sha256=<hex HMAC-SHA256 of the body, keyed by the webhook's secret>`. */
export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

const DURABLE = 'webhooks';
const BATCH = 20;

export class WebhookDispatcher {
  readonly instance = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly subjects: ReturnType<typeof adminEventSubjects>;
  private nc?: NatsConnection;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  /** Sends: one pass at a time, one more right after when asked during one. */
  private readonly sends = new CoalescingRunner(
    () => this.sendDue(),
    (err) => this.logger.warn({ err: (err as Error).message }, 'webhook deliveries not sent; retried at the next tick'),
  );
  private stopping = false;
  /** The last read of each enterprise's webhooks, shared by the events taken meanwhile (`hooksOf`). */
  private readonly hookReads = new Map<string, { startedAt: number; hooks: Promise<Array<{ _id: unknown; kinds?: string[] | null; createdAt: Date }>> }>();

  constructor(
    private readonly options: DispatchOptions,
    private readonly models: EnterpriseModels,
    private readonly logger: Logger,
  ) {
    this.subjects = adminEventSubjects(options.namespace);
  }

  async start(): Promise<void> {
    this.nc = await connectJetStream({ natsUrl: this.options.natsUrl, name: 'enterprise-webhooks', logger: this.logger });
    this.loop = this.consumeForever();
    this.timer = setInterval(() => this.kick(), Math.min(1_000, this.options.retryBaseMs));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.messages?.close().catch(() => undefined);
    await this.loop?.catch(() => undefined);
    await this.sends.stop();
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }

  private async ensure(): Promise<void> {
    const jsm = await this.nc!.jetstreamManager();
    await ensureStream(jsm, eventStreamConfig(this.subjects, this.options));
    await ensureConsumer(jsm, this.subjects.stream, {
      durable_name: DURABLE,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${this.subjects.root}.>`,
      ack_wait: nanos(30_000),
      max_deliver: -1,
    });
  }

  /** Re-subscribes whenever the subscription ends (NATS restarted, stream missing) until stopped. */
  private async consumeForever(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.ensure();
        const consumer = await this.nc!.jetstream().consumers.get(this.subjects.stream, DURABLE);
        this.messages = await consumer.consume({ max_messages: 100, callback: (msg) => void this.take(msg) });
        await this.messages.closed();
      } catch (err) {
        if (!this.stopping) this.logger.warn({ err: (err as Error).message }, 'webhook consumer unavailable, retrying');
      }
      if (!this.stopping) await new Promise((r) => setTimeout(r, 1_000));
    }
  }

  /** One event: a delivery per matching webhook, stored, then the event acknowledged. */
  private async take(msg: JsMsg): Promise<void> {
    let raw: unknown;
    try {
      raw = msg.json();
    } catch {
      raw = undefined;
    }
    const parsed = AdminEventV1.safeParse(raw);
    if (!parsed.success) {
      this.logger.warn({ subject: msg.subject, seq: msg.seq }, 'unreadable event skipped by webhooks');
      return msg.ack();
    }
    const event = parsed.data;
    try {
      const at = new Date(event.at);
      const hooks = (await this.hooksOf(event.enterpriseNumber, at)).filter((h) => h.createdAt <= at);
      const body = JSON.stringify(event);
      const docs = hooks
        .filter((h) => !h.kinds?.length || h.kinds.includes(event.kind))
        .map((h) => ({
          _id: `${String(h._id)}:${event.eventId}`,
          webhookId: String(h._id),
          enterpriseNumber: event.enterpriseNumber,
          eventId: event.eventId,
          kind: event.kind,
          body,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: new Date(),
        }));
      if (docs.length > 0) {
        await this.models.WebhookDelivery.insertMany(docs, { ordered: false }).catch((err: unknown) => {
          const errors = (err as { writeErrors?: unknown[] }).writeErrors;
          if (!errors || !errors.every((e) => isDuplicateKey((e as { err?: unknown }).err ?? e))) throw err;
        });
      }
      msg.ack();
      if (docs.length > 0) this.kick();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, eventId: event.eventId }, 'event not turned into deliveries, given back');
      msg.nak(1_000);
    }
  }

  /**
   * The enterprise's webhooks, read once for the many events of a burst (a bulk import publishes
   * one per row): a read is reused for an event stored before that read started (it saw every
   * webhook created up to then), and for at most a second.
   */
  private hooksOf(enterpriseNumber: string, at: Date) {
    const now = Date.now();
    const last = this.hookReads.get(enterpriseNumber);
    if (last && last.startedAt > at.getTime() && now - last.startedAt < 1_000) return last.hooks;
    for (const [key, read] of this.hookReads) if (now - read.startedAt >= 1_000) this.hookReads.delete(key);
    // exec(): a promise, awaited by every event sharing it (a mongoose query runs once only).
    const hooks = this.models.Webhook.find({ enterpriseNumber }, { kinds: 1, createdAt: 1 }).lean().exec() as Promise<Array<{ _id: unknown; kinds?: string[] | null; createdAt: Date }>>;
    this.hookReads.set(enterpriseNumber, { startedAt: now, hooks });
    hooks.catch(() => {
      if (this.hookReads.get(enterpriseNumber)?.hooks === hooks) this.hookReads.delete(enterpriseNumber);
    });
    return hooks;
  }

  /** Sends what is due now, or right after the pass running. */
  kick(): void {
    if (!this.stopping) this.sends.kick();
  }

  /** Sends the deliveries that are due, a claimed batch at a time (several receivers at once). */
  private async sendDue(): Promise<void> {
    while (!this.stopping) {
      const now = new Date();
      const due = { status: 'pending' as const, nextAttemptAt: { $lte: now }, $or: [{ claimUntil: { $exists: false } }, { claimUntil: { $lt: now } }] };
      const ids = (await this.models.WebhookDelivery.find(due, { _id: 1 }).sort({ nextAttemptAt: 1 }).limit(BATCH).lean()).map((d) => d._id);
      if (ids.length === 0) return;
      const claimUntil = new Date(now.getTime() + this.options.timeoutMs + 30_000);
      await this.models.WebhookDelivery.updateMany({ _id: { $in: ids }, ...due }, { $set: { claimedBy: this.instance, claimUntil } });
      const mine = await this.models.WebhookDelivery.find({ _id: { $in: ids }, claimedBy: this.instance, status: 'pending' }).lean();
      if (mine.length === 0) return;
      await Promise.all(mine.map((d) => this.attempt(d)));
    }
  }

  private async attempt(delivery: { _id: string; webhookId: string; eventId: string; kind: string; body: string; attempts: number }): Promise<void> {
    const hook = await this.models.Webhook.findById(delivery.webhookId).lean();
    if (!hook) {
      await this.models.WebhookDelivery.deleteOne({ _id: delivery._id });
      return;
    }
    const attempts = delivery.attempts + 1;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'user-management-webhooks/1',
      'x-um-event-id': delivery.eventId,
      'x-um-event-kind': delivery.kind,
      'x-um-timestamp': String(Math.floor(Date.now() / 1000)),
      'x-um-delivery-attempt': String(attempts),
      'x-um-signature': webhookSignature(hook.secret, delivery.body),
    };
    const outcome = await post(hook.url, delivery.body, headers, this.options);
    const at = new Date();
    const ok = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
    const final = ok || attempts >= this.options.maxAttempts;
    await this.models.WebhookDelivery.updateOne(
      { _id: delivery._id },
      {
        $set: {
          status: ok ? 'delivered' : final ? 'failed' : 'pending',
          attempts,
          lastAttemptAt: at,
          ...(ok ? { deliveredAt: at } : {}),
          ...(final ? {} : { nextAttemptAt: new Date(at.getTime() + webhookRetryDelayMs(attempts, this.options.retryBaseMs)) }),
          ...(outcome.status !== undefined ? { lastStatus: outcome.status } : {}),
          ...(outcome.error ? { lastError: outcome.error.slice(0, 300) } : {}),
        },
        $unset: { claimedBy: 1, claimUntil: 1, ...(outcome.status === undefined ? { lastStatus: 1 } : {}), ...(outcome.error ? {} : { lastError: 1 }), ...(final ? { nextAttemptAt: 1 } : {}) },
      },
    );
    if (!ok) this.logger.info({ webhookId: delivery.webhookId, eventId: delivery.eventId, attempts, status: outcome.status, error: outcome.error, final }, 'webhook delivery failed');
  }
}

/**
 * One POST, no redirect followed. The address is checked again here: a name is resolved through a
 * lookup that refuses non-public addresses, so a name pointed at an internal address (now or after
 * registration) is never connected to.
 */
function post(url: string, body: string, headers: Record<string, string>, options: { allowLoopback: boolean; timeoutMs: number }): Promise<{ status?: number; error?: string }> {
  const problem = webhookUrlProblem(url, options);
  if (problem) return Promise.resolve({ error: `address refused: ${problem}` });
  const target = new URL(url);
  const loopbackAllowed = options.allowLoopback && isLoopbackHost(target.hostname);
  const lookup: LookupFunction = (hostname, opts, callback) => {
    dns.lookup(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const bad = loopbackAllowed ? undefined : addresses.find((a) => nonPublicAddress(a.address));
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a ${nonPublicAddress(bad.address)} address`), { code: 'EADDRREFUSED' }), '');
      if (opts.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  return new Promise((resolve) => {
    const req = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup, timeout: options.timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', () => resolve({ status: res.statusCode }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}
