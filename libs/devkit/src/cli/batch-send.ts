/**
 * Batch-channel simulator: `npm run batch:send -- --enterprise 0403170701 --username tu12345678
 * --password '…' --channel ebox --count 1000`. It does what a batch-channel adapter does: checks
 * the technical user's username and password over HTTP (POST /api/v1/auth/login), then publishes
 * N structured-message envelopes to JetStream on `structured-messages.inbound.<channel>` with a
 * `Nats-Msg-Id` header, at a given rate, with a progress bar. `batchSend` is the same as a
 * function, for the end-to-end tests and the bench.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect, createInbox, headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from 'nats';

export interface BatchSendOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:3000 (the API is under /api/v1). */
  gatewayUrl: string;
  natsUrl: string;
  /** The system's Moleculer namespace (UM_NAMESPACE): subjects are prefixed with it when set. */
  namespace?: string;
  enterpriseNumber: string;
  quality: string;
  declarationType: string;
  /** `ebox` or a channelId of the enterprise: the subject's last token and the envelope's channel. */
  channel: string;
  count: number;
  /** Messages per second; 0: as fast as JetStream acknowledges. */
  rate?: number;
  /** The technical user's credentials: logged in with before publishing. */
  username: string;
  password?: string;
  /** false: publish without logging in (tests of senders an adapter would refuse). */
  login?: boolean;
  /** Prefix of the generated messageIds (`<prefix>-<n>`); default: random. */
  idPrefix?: string;
  /** First n of the messageIds (resends: the same ids again). */
  startAt?: number;
  /** Publishes awaiting JetStream's acknowledgement at once (default 256). */
  window?: number;
  /** A publish not acknowledged within this is retried (same Nats-Msg-Id); default 5 s. */
  ackTimeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
  /** Called when a message is published (acknowledged by JetStream), with Date.now(). */
  onPublished?: (messageId: string, at: number) => void;
  /** Give up when a message cannot be published for this long (NATS down). */
  retryForMs?: number;
}

export interface BatchSendResult {
  messageIds: string[];
  /** Acknowledged by JetStream as a duplicate of a Nats-Msg-Id seen within its window. */
  duplicates: number;
  seconds: number;
  /** Publishes retried (NATS unreachable for a moment). */
  retries: number;
}

/** The subject a channel publishes to (devkit does not depend on @um/contracts; same rule as structuredMessageSubjects). */
export function inboundSubject(namespace: string | undefined, channel: string): string {
  return `${namespace ? `${namespace}.` : ''}structured-messages.inbound.${channel}`;
}

/** The adapter's own check of the technical user's credentials. */
export async function checkCredentials(gatewayUrl: string, username: string, password: string): Promise<void> {
  const res = await fetch(`${gatewayUrl.replace(/\/$/, '')}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`login of ${username} refused: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { token: string };
  // The adapter only needed the check: end the session at once.
  await fetch(`${gatewayUrl.replace(/\/$/, '')}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${body.token}` } }).catch(() => undefined);
}

export function connectNats(natsUrl: string): Promise<NatsConnection> {
  return connect({ servers: natsUrl, name: `batch-send-${process.pid}`, maxReconnectAttempts: -1, reconnectTimeWait: 250, waitOnFirstConnect: true });
}

/** Publishes one raw body (tests: malformed envelopes) and waits for JetStream's acknowledgement. */
export async function publishRaw(natsUrl: string, subject: string, body: string | Uint8Array, msgId?: string): Promise<void> {
  const nc = await connectNats(natsUrl);
  try {
    const h = natsHeaders();
    if (msgId) h.set('Nats-Msg-Id', msgId);
    await nc.jetstream().publish(subject, typeof body === 'string' ? new TextEncoder().encode(body) : body, { headers: h, timeout: 10_000 });
  } finally {
    await nc.drain();
  }
}

export function envelope(options: Pick<BatchSendOptions, 'enterpriseNumber' | 'quality' | 'declarationType' | 'channel' | 'username'>, messageId: string) {
  const digest = createHash('sha256').update(messageId).digest();
  // A file size of its own per messageId (the same on a re-send), without a random draw per message.
  const sizeBytes = 1_000 + (digest.readUInt16BE(0) % 60_000);
  return {
    messageId,
    channel: options.channel,
    enterpriseNumber: options.enterpriseNumber,
    quality: options.quality,
    declarationType: options.declarationType,
    sender: { username: options.username },
    fileName: `${options.declarationType.toUpperCase()}_${messageId}.xml`,
    sizeBytes,
    sha256: digest.toString('hex'),
    receivedAt: new Date().toISOString(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const decoder = new TextDecoder();

/** What JetStream answers to a publish. */
export interface PubAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

/**
 * Asynchronous JetStream publishing: every message goes out with a reply subject under one inbox
 * of this publisher, one subscription receives all the acknowledgements, and one timer expires
 * those that do not come. `js.publish` does a request per message instead (an inbox entry, a timer
 * and a captured stack trace each), which made the simulator the first CPU bottleneck of the
 * ingestion bench.
 */
export class JetStreamPublisher {
  private readonly inbox = createInbox();
  private readonly waiting = new Map<number, { resolve: (ack: PubAck) => void; reject: (err: Error) => void; deadline: number }>();
  private readonly sub: Subscription;
  private readonly sweep: NodeJS.Timeout;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 5_000,
  ) {
    this.sub = nc.subscribe(`${this.inbox}.*`, { callback: (_err, msg) => this.answer(msg) });
    this.sweep = setInterval(() => this.expire(), Math.min(250, timeoutMs));
  }

  /** Resolves with JetStream's acknowledgement; rejects on an error answer, no stream (503) or no answer in time. */
  publish(subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<PubAck> {
    const token = (this.next += 1);
    return new Promise<PubAck>((resolve, reject) => {
      this.waiting.set(token, { resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, data, { reply: `${this.inbox}.${token}`, headers });
      } catch (err) {
        this.waiting.delete(token);
        reject(err as Error);
      }
    });
  }

  /** Stops listening; what still waits is rejected. */
  close(): void {
    clearInterval(this.sweep);
    this.sub.unsubscribe();
    for (const w of this.waiting.values()) w.reject(new Error('publisher closed'));
    this.waiting.clear();
  }

  private answer(msg: Msg): void {
    const token = Number(msg.subject.slice(this.inbox.length + 1));
    const w = this.waiting.get(token);
    if (!w) return; // expired already: the retry carries the same Nats-Msg-Id
    this.waiting.delete(token);
    if (msg.headers?.hasError) return w.reject(new Error(`JetStream did not take the message: ${msg.headers.code} ${msg.headers.description}`));
    let body: { stream?: string; seq?: number; duplicate?: boolean; error?: { code?: number; description?: string } };
    try {
      body = JSON.parse(decoder.decode(msg.data)) as typeof body;
    } catch {
      return w.reject(new Error('unreadable JetStream acknowledgement'));
    }
    if (body.error || typeof body.seq !== 'number') return w.reject(new Error(`JetStream refused the message: ${body.error?.code ?? '?'} ${body.error?.description ?? ''}`));
    w.resolve({ stream: body.stream ?? '', seq: body.seq, duplicate: body.duplicate === true });
  }

  /** The map is in publish order and every publish has the same timeout: expired ones are at its head. */
  private expire(): void {
    const now = Date.now();
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) break;
      this.waiting.delete(token);
      w.reject(new Error(`no JetStream acknowledgement within ${this.timeoutMs} ms`));
    }
  }
}

export async function batchSend(options: BatchSendOptions): Promise<BatchSendResult> {
  if (options.login !== false) {
    if (options.password === undefined) throw new Error('a password is needed to log in (or login: false)');
    await checkCredentials(options.gatewayUrl, options.username, options.password);
  }
  const prefix = options.idPrefix ?? `m${randomBytes(5).toString('hex')}`;
  const startAt = options.startAt ?? 0;
  const subject = inboundSubject(options.namespace, options.channel);
  const window = Math.max(1, options.window ?? 256);
  const retryForMs = options.retryForMs ?? 60_000;
  const nc = await connectNats(options.natsUrl);
  const publisher = new JetStreamPublisher(nc, options.ackTimeoutMs ?? 5_000);
  const encoder = new TextEncoder();
  const messageIds: string[] = [];
  let duplicates = 0;
  let retries = 0;
  let done = 0;
  let failure: Error | undefined;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const started = Date.now();

  const publishOne = async (messageId: string) => {
    const h = natsHeaders();
    h.set('Nats-Msg-Id', messageId);
    const data = encoder.encode(JSON.stringify(envelope(options, messageId)));
    const giveUpAt = Date.now() + retryForMs;
    for (;;) {
      try {
        const ack = await publisher.publish(subject, data, h);
        if (ack.duplicate) duplicates += 1;
        options.onPublished?.(messageId, Date.now());
        break;
      } catch (err) {
        // Same Nats-Msg-Id: a publish that did land is recognised by the stream as a duplicate.
        if (Date.now() > giveUpAt) throw new Error(`could not publish ${messageId} for ${retryForMs} ms: ${(err as Error).message}`);
        retries += 1;
        await sleep(250);
      }
    }
    done += 1;
    options.onProgress?.(done, options.count);
  };
  const settled = () => {
    inFlight -= 1;
    const w = wake;
    wake = undefined;
    w?.();
  };

  try {
    for (let i = 0; i < options.count && !failure; i += 1) {
      if (options.rate && options.rate > 0) {
        const due = started + (i * 1000) / options.rate;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const messageId = `${prefix}-${startAt + i}`;
      messageIds.push(messageId);
      inFlight += 1;
      publishOne(messageId).then(settled, (err: unknown) => {
        failure ??= err as Error;
        settled();
      });
      while (inFlight >= window) await new Promise<void>((r) => (wake = r));
    }
    while (inFlight > 0) await new Promise<void>((r) => (wake = r));
    if (failure) throw failure;
  } finally {
    publisher.close();
    await nc.drain().catch(() => undefined);
  }
  return { messageIds, duplicates, seconds: (Date.now() - started) / 1000, retries };
}

function progressBar(done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 20)) !== 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\rpublishing [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${done === total ? '\n' : ''}`);
}

const USAGE = `npm run batch:send -- --enterprise <number> --username <technical user> [options]
  --gateway <url>            gateway base URL (default $UM_GATEWAY_URL or http://127.0.0.1:3000)
  --nats <url>               NATS URL (default $NATS_URL or nats://127.0.0.1:4222)
  --namespace <ns>           the system's UM_NAMESPACE, if any (default $UM_NAMESPACE)
  --enterprise <number>      enterprise number of the sender
  --quality <type>           quality (default employer)
  --declaration-type <type>  default drs-unemployment
  --channel <ebox|id>        inbound channel (default ebox)
  --username <name>          the technical user; --password or $UM_BATCH_PASSWORD
  --count <n>                messages (default 100)
  --rate <n>                 messages per second, 0 = as fast as possible (default 0)
  --prefix <p>               messageId prefix (default random): the same prefix re-sends the same ids`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string', default: process.env.UM_GATEWAY_URL ?? 'http://127.0.0.1:3000' },
      nats: { type: 'string', default: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' },
      namespace: { type: 'string', default: process.env.UM_NAMESPACE ?? '' },
      enterprise: { type: 'string' },
      quality: { type: 'string', default: 'employer' },
      'declaration-type': { type: 'string', default: 'drs-unemployment' },
      channel: { type: 'string', default: 'ebox' },
      username: { type: 'string' },
      password: { type: 'string', default: process.env.UM_BATCH_PASSWORD },
      count: { type: 'string', default: '100' },
      rate: { type: 'string', default: '0' },
      prefix: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.enterprise || !values.username) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const result = await batchSend({
    gatewayUrl: values.gateway,
    natsUrl: values.nats,
    namespace: values.namespace,
    enterpriseNumber: values.enterprise,
    quality: values.quality,
    declarationType: values['declaration-type'],
    channel: values.channel,
    username: values.username,
    password: values.password,
    count: Number(values.count),
    rate: Number(values.rate),
    idPrefix: values.prefix,
    onProgress: progressBar,
  });
  process.stdout.write(
    `published ${result.messageIds.length} messages (${result.messageIds[0] ?? '-'} … ${result.messageIds.at(-1) ?? '-'}) in ${result.seconds.toFixed(1)} s` +
      ` (${(result.messageIds.length / Math.max(result.seconds, 0.001)).toFixed(0)}/s), ${result.duplicates} duplicates, ${result.retries} retries\n`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`[batch:send] ${(err as Error).message}\n`);
    process.exit(1);
  });
}
