/**
 * A lean HTTP/1.1 keep-alive client for load loops (benches, fault-test load): one request at a time
 * per connection, written as one string, the answer read by Content-Length (or chunked). On the
 * 2-core machine the load generator shares the cores with the system it measures; node:http's client
 * cost it about 70 µs of CPU per request, this one about 20 µs.
 */
import net from 'node:net';

export interface Http1Answer {
  status: number;
  body: Buffer;
}

export interface Http1Request {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** No complete answer within this time: the request fails with an error named `TimeoutError`. */
  timeoutMs?: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * One complete answer at the start of `buffer`, with what follows it, or nothing when more bytes are
 * needed. Throws on an answer it cannot read.
 */
export function parseHttp1Answer(buffer: Buffer): { answer: Http1Answer; close: boolean; rest: Buffer } | undefined {
  const headEnd = buffer.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = buffer.toString('latin1', 0, headEnd).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!status) throw new Error(`not an HTTP/1.1 answer: ${JSON.stringify(head[0])}`);
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const close = headers.get('connection')?.toLowerCase() === 'close';
  const start = headEnd + HEAD_END.length;
  if (headers.get('transfer-encoding')?.toLowerCase().includes('chunked')) {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = Number.parseInt(buffer.toString('latin1', at, lineEnd), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      const dataEnd = lineEnd + 2 + size;
      if (buffer.length < dataEnd + 2) return undefined;
      if (size === 0) {
        // No trailers are sent by the servers this client talks to: the last chunk ends with CRLF.
        return { answer: { status: Number(status[1]), body: Buffer.concat(chunks) }, close, rest: buffer.subarray(dataEnd + 2) };
      }
      chunks.push(buffer.subarray(lineEnd + 2, dataEnd));
      at = dataEnd + 2;
    }
  }
  const length = Number(headers.get('content-length') ?? 0);
  if (buffer.length < start + length) return undefined;
  return { answer: { status: Number(status[1]), body: buffer.subarray(start, start + length) }, close, rest: buffer.subarray(start + length) };
}

interface Job {
  request: Http1Request;
  resolve(answer: Http1Answer): void;
  reject(err: Error): void;
}

/** Requests to one origin over at most `maxConnections` keep-alive connections; the others wait in order. */
export class Http1Pool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Job[] = [];
  private open = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly maxConnections = Infinity,
  ) {}

  request(request: Http1Request): Promise<Http1Answer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Closes every idle connection (busy ones close when their answer is in). */
  close(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }

  /** @internal */
  pump(): void {
    while (this.waiting.length > 0) {
      let connection = this.idle.pop();
      if (!connection) {
        if (this.open >= this.maxConnections) return;
        this.open += 1;
        connection = new Connection(this);
      }
      connection.send(this.waiting.shift()!);
    }
  }

  /** @internal */
  released(connection: Connection): void {
    this.idle.push(connection);
    this.pump();
  }

  /** @internal */
  gone(connection: Connection): void {
    this.open -= 1;
    const i = this.idle.indexOf(connection);
    if (i >= 0) this.idle.splice(i, 1);
    this.pump();
  }
}

class Connection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private job?: Job;
  private timer?: NodeJS.Timeout;
  private ended = false;

  constructor(private readonly pool: Http1Pool) {
    this.socket = net.connect({ host: pool.host, port: pool.port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('error', (err) => this.end(err));
    this.socket.on('close', () => this.end(new Error('connection closed by the server')));
  }

  send(job: Job): void {
    this.job = job;
    const { method, path, headers = {}, body, timeoutMs } = job.request;
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.pool.host}:${this.pool.port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.end(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' })), timeoutMs);
    }
    this.socket.write(body === undefined ? `${head}\r\n` : `${head}\r\n${body}`);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let parsed;
    try {
      parsed = parseHttp1Answer(this.buffer);
    } catch (err) {
      return this.end(err as Error);
    }
    if (!parsed) return;
    const job = this.job;
    if (!job) return this.end(new Error('an answer nobody asked for'));
    clearTimeout(this.timer);
    this.job = undefined;
    this.buffer = Buffer.from(parsed.rest);
    if (parsed.close) this.end();
    else this.pool.released(this);
    job.resolve(parsed.answer);
  }

  /** The connection is done: its request (if any) fails with `err`, the pool forgets it. */
  private end(err?: Error): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.socket.destroy();
    const job = this.job;
    this.job = undefined;
    this.pool.gone(this);
    if (job) job.reject(err ?? new Error('connection closed'));
  }
}
