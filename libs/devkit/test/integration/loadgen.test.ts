/**
 * The bench's load generator (tools/loadgen, built with Go on first use) against a real HTTP server:
 * every request is counted, a wrong status is an error with what the server said, an answer without
 * the expected text is wrong, and at a fixed rate requests leave on schedule (open loop).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadgen } from '../../src/bench/loadgen';

let server: http.Server;
let baseUrl: string;
const seen: string[] = [];
let dropped = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url === '/slow') {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"allowed":true}'), 50);
      return;
    }
    if (req.url === '/chunked') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"allowed":');
      res.end('false}');
      return;
    }
    if (req.url === '/close') {
      // Answers, then closes the connection: the next request on it needs a new one.
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end('{"allowed":true}');
      return;
    }
    if (req.url === '/drop-once' && !dropped) {
      // Closes the connection without an answer, once: the request is sent again on a new one.
      dropped = true;
      req.socket.destroy();
      return;
    }
    const status = req.url === '/missing' ? 404 : 200;
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{"allowed":true}' : '{"code":"NOT_FOUND"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test('when run flat out over templates, then request i is template i modulo their number, and statuses and bodies are checked', async () => {
  seen.length = 0;
  const result = await loadgen(baseUrl, { mode: 'flat', total: 300, inFlight: 4 }, [
    { path: '/ok', headers: { authorization: 'Bearer a' }, bodyContains: '"allowed":true' },
    { path: '/chunked', bodyContains: '"allowed":true' },
    { path: '/missing' },
  ]);
  expect(result.latencies).toHaveLength(300);
  expect(result.errors).toBe(100);
  expect(result.firstError).toMatch(/^GET \/missing: 404 \{"code":"NOT_FOUND"\}/);
  expect(result.wrong).toBe(100); // the chunked answer says false
  expect(result.shed).toBe(0);
  expect(seen.filter((s) => s === 'GET /ok Bearer a')).toHaveLength(100);
  expect(seen.filter((s) => s.startsWith('GET /chunked'))).toHaveLength(100);
}, 120_000);

test('when run at a fixed rate, then it takes the schedule’s time, and a slow answer’s latency counts from its scheduled start', async () => {
  const result = await loadgen(baseUrl, { mode: 'rate', rate: 200, total: 100, connections: 8 }, [{ path: '/slow' }]);
  expect(result.errors).toBe(0);
  expect(result.latencies).toHaveLength(100);
  // 100 requests at 200/s: the last leaves 0.495 s after the first, and each answer takes 50 ms.
  expect(result.seconds).toBeGreaterThanOrEqual(0.5);
  expect(result.latencies[0]).toBeGreaterThanOrEqual(45); // (Node may fire a 50 ms timer up to a millisecond early)
  // 8 connections carry at most 160 answers of 50 ms a second: at 200/s requests wait for one, and
  // that wait is counted (no coordinated omission).
  expect(result.latencies.at(-1)!).toBeGreaterThan(result.latencies[0]! + 50);
  // The slowest, with when each was scheduled: the last ones waited longest.
  expect(result.slowest).toHaveLength(50);
  expect(result.slowest![0]!.ms).toBe(result.latencies.at(-1));
  expect(result.slowest![0]!.at).toBeGreaterThan(400);
}, 120_000);

test('when run at a fixed rate over templates, then statuses and bodies are checked, and a connection the server closes is opened again', async () => {
  seen.length = 0;
  const result = await loadgen(baseUrl, { mode: 'rate', rate: 2000, total: 400, connections: 4 }, [
    { path: '/ok', headers: { authorization: 'Bearer a' }, bodyContains: '"allowed":true' },
    { path: '/close', bodyContains: '"allowed":true' },
    { path: '/chunked', bodyContains: '"allowed":true' },
    { path: '/missing' },
  ]);
  expect(result.latencies).toHaveLength(400);
  expect(result.errors).toBe(100);
  expect(result.firstError).toMatch(/^GET \/missing: 404 \{"code":"NOT_FOUND"\}/);
  expect(result.wrong).toBe(100); // the chunked answer says false
  expect(seen.filter((s) => s === 'GET /ok Bearer a')).toHaveLength(100);
  expect(seen.filter((s) => s.startsWith('GET /close'))).toHaveLength(100);
  expect(seen.filter((s) => s.startsWith('GET /missing'))).toHaveLength(100);
  // 400 requests at 2,000/s: the last leaves 0.1995 s after the first.
  expect(result.seconds).toBeGreaterThanOrEqual(0.199);
}, 120_000);

test('when the server closes a connection without answering, then the request is sent once more on a new one', async () => {
  seen.length = 0;
  dropped = false;
  const result = await loadgen(baseUrl, { mode: 'rate', rate: 1000, total: 50, connections: 2 }, [{ path: '/drop-once', bodyContains: '"allowed":true' }]);
  expect(dropped).toBe(true);
  expect(result.errors).toBe(0);
  expect(result.latencies).toHaveLength(50);
  expect(seen).toHaveLength(51);
}, 120_000);
