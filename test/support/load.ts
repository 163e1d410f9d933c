/**
 * A bounded, closed-loop load of reads and writes through the gateway, for the fault tests: a
 * fixed number of workers, a rate cap, a fixed duration, every request with a client-side timeout
 * so a hang is seen as one. Loopback only.
 */
import { onboardingBody } from './fixtures';
import { OPERATOR } from './system';

export type Op = 'read' | 'login' | 'onboard';

export interface Outcome {
  op: Op;
  status: number;
  /** The problem's code, when the answer is one. */
  code?: string;
  /** Start and end, in ms since the load started. */
  start: number;
  end: number;
  ms: number;
  /** The onboarding body (writes only), to check later that an acknowledged write was kept. */
  body?: ReturnType<typeof onboardingBody>;
}

export interface LoadOptions {
  baseUrl: string;
  /** A contact-centre role token: reads any enterprise and onboards. */
  operatorToken: string;
  /** Enterprises known to exist, read at random (acknowledged onboardings are added as they come). */
  enterprises: string[];
  durationMs: number;
  /** Upper bound on requests per second, whatever the workers could do. */
  maxRps: number;
  workers: number;
  /** Share of logins and onboardings (argon2 hashing: costly on two cores); the rest are reads. */
  loginShare: number;
  onboardShare: number;
  /** A request without an answer after this long counts as hung (status 0, code HUNG). */
  clientTimeoutMs: number;
  /** Called once, at this many ms after the start (the fault). */
  at?: { ms: number; run: () => void };
}

export interface LoadReport {
  outcomes: Outcome[];
  elapsedMs: number;
  faultAtMs?: number;
}

async function timed(baseUrl: string, method: string, path: string, token: string | undefined, body: unknown, timeoutMs: number): Promise<{ status: number; code?: string }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let code: string | undefined;
    if (res.status >= 400) {
      try {
        code = (JSON.parse(text) as { code?: string }).code;
      } catch {
        code = 'NOT_JSON';
      }
    }
    return { status: res.status, code };
  } catch (err) {
    const name = (err as Error).name;
    return { status: 0, code: name === 'TimeoutError' || name === 'AbortError' ? 'HUNG' : `NETWORK:${(err as Error).message}` };
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const api = `${options.baseUrl}/api/v1`;
  const outcomes: Outcome[] = [];
  const known = [...options.enterprises];
  const started = Date.now();
  const now = () => Date.now() - started;
  const minGapMs = 1000 / options.maxRps;
  let nextSlot = 0;
  let faultAtMs: number | undefined;
  const faultTimer = options.at
    ? setTimeout(() => {
        faultAtMs = now();
        options.at!.run();
      }, options.at.ms)
    : undefined;

  const worker = async () => {
    while (now() < options.durationMs) {
      // Rate cap: each request takes the next free slot of 1/maxRps seconds.
      const slot = Math.max(nextSlot, now());
      nextSlot = slot + minGapMs;
      if (slot > now()) await new Promise((r) => setTimeout(r, slot - now()));
      if (now() >= options.durationMs) break;

      const pick = Math.random();
      const start = now();
      let op: Op;
      let result: { status: number; code?: string };
      let body: Outcome['body'];
      if (pick < options.onboardShare) {
        op = 'onboard';
        body = onboardingBody();
        result = await timed(api, 'POST', '/admin/enterprises', options.operatorToken, body, options.clientTimeoutMs);
        if (result.status === 201) known.push(body.enterpriseNumber);
      } else if (pick < options.onboardShare + options.loginShare) {
        op = 'login';
        result = await timed(api, 'POST', '/auth/login', undefined, OPERATOR, options.clientTimeoutMs);
      } else {
        op = 'read';
        const en = known[Math.floor(Math.random() * known.length)]!;
        result = await timed(api, 'GET', `/enterprises/${en}`, options.operatorToken, undefined, options.clientTimeoutMs);
      }
      const end = now();
      outcomes.push({ op, ...result, start, end, ms: end - start, ...(body ? { body } : {}) });
    }
  };
  await Promise.all(Array.from({ length: options.workers }, worker));
  if (faultTimer) clearTimeout(faultTimer);
  return { outcomes, elapsedMs: now(), faultAtMs };
}

/** The figures the fault tests print: requests, failures by status and code, latency. */
export function summarize(title: string, report: LoadReport): string {
  const { outcomes } = report;
  const lines = [`${title}: ${outcomes.length} requests in ${(report.elapsedMs / 1000).toFixed(1)} s (${((outcomes.length * 1000) / report.elapsedMs).toFixed(0)}/s)`];
  if (report.faultAtMs !== undefined) lines.push(`  fault at ${(report.faultAtMs / 1000).toFixed(1)} s`);
  for (const op of ['read', 'login', 'onboard'] as const) {
    const mine = outcomes.filter((o) => o.op === op);
    if (mine.length === 0) continue;
    const byStatus = new Map<string, number>();
    for (const o of mine) {
      const key = o.code && o.status >= 400 ? `${o.status} ${o.code}` : o.status === 0 ? `no answer ${o.code}` : String(o.status);
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    const ms = mine.map((o) => o.ms).sort((a, b) => a - b);
    const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
    lines.push(
      `  ${op.padEnd(7)} ${String(mine.length).padStart(5)}  statuses ${[...byStatus].map(([k, v]) => `${k}×${v}`).join(', ')}  latency ms p50 ${q(0.5)} p99 ${q(0.99)} max ${ms.at(-1)}`,
    );
  }
  return lines.join('\n');
}
