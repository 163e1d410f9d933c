/**
 * Load made by tools/loadgen (Go): each request of a fixed-rate run leaves at its scheduled time
 * (the Node client sent a burst every millisecond or so), and flat out a request costs the machine
 * about half of what the Node client cost on the cores the system under test shares
 * (docs/benchmarks.md).
 */
import { spawn } from 'node:child_process';
import { ensureLoadgen } from '../binaries.js';

export interface LoadTemplate {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The status every answer must have (200 by default); another counts as an error. */
  status?: number;
  /** Text the answer's body must hold; an answer without it counts as wrong. */
  bodyContains?: string;
}

export interface LoadgenResult {
  /** Sorted, in ms: from each request's send (flat out) or its scheduled start (at a rate). */
  latencies: number[];
  errors: number;
  firstError?: string;
  wrong: number;
  shed: number;
  seconds: number;
  /** At a rate: the slowest requests, each with when it was scheduled (ms from the start). */
  slowest?: Array<{ at: number; ms: number }>;
}

export type LoadgenSpec =
  | { mode: 'flat'; total: number; inFlight: number }
  | { mode: 'rate'; total: number; rate: number; connections?: number };

/** Runs `spec` against `baseUrl` (http://host:port); request i is `requests[i % requests.length]`. */
export async function loadgen(baseUrl: string, spec: LoadgenSpec, requests: LoadTemplate[]): Promise<LoadgenResult> {
  const binary = ensureLoadgen((line) => process.stderr.write(`${line}\n`));
  const address = new URL(baseUrl).host;
  // Two Go scheduler threads whatever the machine: flat out, answers are read on both; at a rate,
  // one OS thread does everything (see tools/loadgen).
  const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GOMAXPROCS: '2' } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(JSON.stringify({ address, ...spec, requests }));
  const code = await exited;
  if (code !== 0) throw new Error(`loadgen exited with ${code}: ${Buffer.concat(err).toString().trim()}`);
  const result = JSON.parse(Buffer.concat(out).toString()) as LoadgenResult & { latencies: number[] | null };
  return { ...result, latencies: result.latencies ?? [] };
}
