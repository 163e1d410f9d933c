import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Http1Pool, parseHttp1Answer } from '../../src/http1.js';

describe('parseHttp1Answer', () => {
  it('reads an answer by its Content-Length and leaves what follows', () => {
    const raw = Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 204');
    const parsed = parseHttp1Answer(raw)!;
    expect(parsed.answer.status).toBe(200);
    expect(parsed.answer.body.toString()).toBe('{}');
    expect(parsed.rest.toString()).toBe('HTTP/1.1 204');
    expect(parsed.close).toBe(false);
  });

  it('waits for the whole body, reads chunked bodies and sees Connection: close', () => {
    expect(parseHttp1Answer(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab'))).toBeUndefined();
    expect(parseHttp1Answer(Buffer.from('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n'))).toBeUndefined();
    const chunked = parseHttp1Answer(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'))!;
    expect(chunked.answer.body.toString()).toBe('abcde');
    expect(chunked.close).toBe(true);
  });

  it('refuses what is not HTTP', () => {
    expect(() => parseHttp1Answer(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/not an HTTP/);
  });
});

describe('Http1Pool against node:http', () => {
  let server: http.Server;
  let port: number;
  const connections = new Set<unknown>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
        if (req.url === '/close') {
          res.setHeader('connection', 'close');
          return void res.end('bye');
        }
        if (req.url === '/chunked') {
          res.write('a');
          return void res.end('b');
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization ?? null, body: Buffer.concat(chunks).toString() }));
      });
    });
    server.on('connection', (s) => connections.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends method, path, headers and body, and reuses at most maxConnections connections', async () => {
    connections.clear();
    const pool = new Http1Pool('127.0.0.1', port, 2);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pool.request({ method: 'POST', path: `/x/${i}`, headers: { authorization: 'Bearer t' }, body: `é${i}` })),
    );
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(JSON.parse(a.body.toString())).toEqual({ method: 'POST', url: `/x/${i}`, auth: 'Bearer t', body: `é${i}` });
    });
    expect(connections.size).toBe(2);
    pool.close();
  });

  it('reads chunked answers, and opens a new connection after the server closed one', async () => {
    const pool = new Http1Pool('127.0.0.1', port, 1);
    expect((await pool.request({ method: 'GET', path: '/chunked' })).body.toString()).toBe('ab');
    expect((await pool.request({ method: 'GET', path: '/close' })).body.toString()).toBe('bye');
    expect((await pool.request({ method: 'GET', path: '/after' })).status).toBe(200);
    pool.close();
  });

  it('fails a request with no answer in time with a TimeoutError, and goes on with the next', async () => {
    const pool = new Http1Pool('127.0.0.1', port, 1);
    await expect(pool.request({ method: 'GET', path: '/slow', timeoutMs: 100 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await pool.request({ method: 'GET', path: '/next', timeoutMs: 2_000 })).status).toBe(200);
    pool.close();
  });

  it('fails requests when nothing listens', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const pool = new Http1Pool('127.0.0.1', deadPort, 1);
    await expect(pool.request({ method: 'GET', path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  });
});
