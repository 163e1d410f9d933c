/**
 * A steady, open-loop load of reads and writes through the gateway, for the fault tests: requests
 * start at a fixed rate whatever the answers do (a request stuck on a dead instance does not slow
 * the others down, as with real users), each with a client-side timeout so a hang is seen as one.
 * Loopback only.
 */
import { keepAliveJson, percentile } from '@um/devkit';
import { onboardingBody } from './fixtures';
import { OPERATOR } from './system';

/**
 * read: GET /enterprises/{en} (identity, enterprise); search and check: user-management's reads;
 * login, onboard (identity, enterprise, quality) and register (user-management, identity): writes.
 */
export const OPS = ['read', 'search', 'check', 'login', 'onboard', 'register'] as const;
export type Op = (typeof OPS)[number];

/** A person already known (with an account): registering them elsewhere by NISS reuses them. */
export interface KnownPerson {
  niss: string;
  firstName: string;
  lastName: string;
  language: 'nl' | 'fr' | 'de' | 'en';
}

/** An enterprise with an active employer quality, its RAE's session, and users of its own. */
export interface Target {
  enterpriseNumber: string;
  raeToken: string;
  users: KnownPerson[];
}

export interface Outcome {
  op: Op;
  status: number;
  /** The problem's code, when the answer is one. */
  code?: string;
  /** Start and end, in ms since the load started. */
  start: number;
  end: number;
  ms: number;
  /** Writes: what was sent and to where, to check later that an acknowledged write was kept. */
  target?: Target;
  body?: Record<string, unknown> & { enterpriseNumber?: string };
  /** Writes: the answer's body. */
  answer?: Record<string, unknown>;
}

export interface LoadOptions {
  baseUrl: string;
  /** A contact-centre role token: reads any enterprise and onboards. */
  operatorToken: string;
  targets: Target[];
  durationMs: number;
  /** Requests started per second. */
  rate: number;
  /** Share of each op (the rest are reads). Logins, onboardings and registrations hash a password. */
  shares: Partial<Record<Exclude<Op, 'read'>, number>>;
  /** A request without an answer after this long counts as hung (status 0, code HUNG). */
  clientTimeoutMs: number;
  /** Called once, at this many ms after the start (the fault). */
  at?: { ms: number; run: () => void };
  /** Registrations still to make (taken from the end; see registrationsOf). */
  registrations: Registration[];
}

export interface Registration {
  target: Target;
  person: KnownPerson;
}

/** Every (enterprise, user of another enterprise), shuffled: each registered once, so none is a duplicate. */
export function registrationsOf(targets: Target[]): Registration[] {
  return targets
    .flatMap((target) => targets.filter((t) => t !== target).flatMap((other) => other.users.map((person) => ({ target, person }))))
    .sort(() => Math.random() - 0.5);
}

export interface LoadReport {
  outcomes: Outcome[];
  elapsedMs: number;
  faultAtMs?: number;
}

function timed(
  request: ReturnType<typeof keepAliveJson>,
  method: string,
  path: string,
  token: string | undefined,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; code?: string; answer?: Record<string, unknown> }> {
  return request(method, `/api/v1${path}`, { token, body, timeoutMs }).then(
    ({ status, body: answer }) => {
      const parsed = answer !== null && typeof answer === 'object' ? (answer as Record<string, unknown>) : undefined;
      if (status >= 400) return { status, code: typeof parsed?.code === 'string' ? parsed.code : 'NOT_JSON' };
      return { status, answer: parsed };
    },
    // No answer within the client's timeout: a hang.
    (err: Error) => ({ status: 0, code: err.name === 'TimeoutError' ? 'HUNG' : `NETWORK:${err.message}` }),
  );
}

function pickOp(shares: LoadOptions['shares']): Op {
  let pick = Math.random();
  for (const [op, share] of Object.entries(shares) as Array<[Op, number]>) {
    if (pick < share) return op;
    pick -= share;
  }
  return 'read';
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const api = keepAliveJson(options.baseUrl);
  const outcomes: Outcome[] = [];
  const known = options.targets.map((t) => t.enterpriseNumber);
  const started = Date.now();
  const now = () => Date.now() - started;
  let faultAtMs: number | undefined;
  const faultTimer = options.at
    ? setTimeout(() => {
        faultAtMs = now();
        options.at!.run();
      }, options.at.ms)
    : undefined;

  const registrations = options.registrations;
  const one = async (wanted: Op) => {
    const registration = wanted === 'register' ? registrations.pop() : undefined;
    const op: Op = wanted === 'register' && !registration ? 'read' : wanted;
    const target = registration?.target ?? options.targets[Math.floor(Math.random() * options.targets.length)]!;
    const start = now();
    let result: Awaited<ReturnType<typeof timed>>;
    let body: Outcome['body'];
    switch (op) {
      case 'onboard':
        body = onboardingBody();
        result = await timed(api, 'POST', '/admin/enterprises', options.operatorToken, body, options.clientTimeoutMs);
        if (result.status === 201) known.push(body.enterpriseNumber!);
        break;
      case 'register':
        // A person registered elsewhere, by NISS: reused, no password to hash (logins and
        // onboardings hash theirs).
        body = { ...registration!.person, applications: ['dimona'] };
        result = await timed(api, 'POST', `/enterprises/${target.enterpriseNumber}/qualities/employer/users`, target.raeToken, body, options.clientTimeoutMs);
        break;
      case 'login':
        result = await timed(api, 'POST', '/auth/login', undefined, OPERATOR, options.clientTimeoutMs);
        break;
      case 'search':
        result = await timed(api, 'GET', `/enterprises/${target.enterpriseNumber}/users?lastName=pee&pageSize=5`, target.raeToken, undefined, options.clientTimeoutMs);
        break;
      case 'check':
        result = await timed(api, 'GET', `/authorizations/check?application=user-management&enterpriseNumber=${target.enterpriseNumber}`, target.raeToken, undefined, options.clientTimeoutMs);
        break;
      default: {
        const en = known[Math.floor(Math.random() * known.length)]!;
        result = await timed(api, 'GET', `/enterprises/${en}`, options.operatorToken, undefined, options.clientTimeoutMs);
      }
    }
    const end = now();
    const write = op === 'onboard' || op === 'register';
    outcomes.push({ op, status: result.status, ...(result.code ? { code: result.code } : {}), start, end, ms: end - start, ...(write ? { target, body, answer: result.answer } : {}) });
  };

  // Request i starts at i / rate seconds, whether or not earlier ones have answered.
  const inFlight = new Set<Promise<void>>();
  const gapMs = 1000 / options.rate;
  for (let i = 0; i * gapMs < options.durationMs; i += 1) {
    const due = i * gapMs;
    if (due > now()) await new Promise((r) => setTimeout(r, due - now()));
    const request: Promise<void> = one(pickOp(options.shares)).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  if (faultTimer) clearTimeout(faultTimer);
  return { outcomes, elapsedMs: now(), faultAtMs };
}

/** The figures the fault tests print: requests, rate, failures by status and code, latency. */
export function summarize(title: string, report: LoadReport): string {
  const { outcomes } = report;
  const lastStart = Math.max(...outcomes.map((o) => o.start));
  const lines = [
    `${title}: ${outcomes.length} requests started over ${(lastStart / 1000).toFixed(1)} s (${((outcomes.length * 1000) / Math.max(1, lastStart)).toFixed(0)}/s), all answered after ${(report.elapsedMs / 1000).toFixed(1)} s`,
  ];
  if (report.faultAtMs !== undefined) lines.push(`  fault at ${(report.faultAtMs / 1000).toFixed(1)} s`);
  for (const op of OPS) {
    const mine = outcomes.filter((o) => o.op === op);
    if (mine.length === 0) continue;
    const byStatus = new Map<string, number>();
    for (const o of mine) {
      const key = o.code && o.status >= 400 ? `${o.status} ${o.code}` : o.status === 0 ? `no answer ${o.code}` : String(o.status);
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    const ms = mine.map((o) => o.ms).sort((a, b) => a - b);
    lines.push(
      `  ${op.padEnd(8)} ${String(mine.length).padStart(5)}  statuses ${[...byStatus].map(([k, v]) => `${k}×${v}`).join(', ')}  latency ms p50 ${percentile(ms, 50)} p99 ${percentile(ms, 99)} max ${ms.at(-1)}`,
    );
  }
  // How the answers evolved: per 2 s of start time, requests started, failed, and the median latency.
  const windows: string[] = [];
  for (let from = 0; from <= lastStart; from += 2_000) {
    const mine = outcomes.filter((o) => o.start >= from && o.start < from + 2_000);
    if (mine.length === 0) continue;
    const ms = mine.map((o) => o.ms).sort((a, b) => a - b);
    const failed = mine.filter((o) => o.status < 200 || o.status >= 300).length;
    windows.push(`${from / 1000}s:${mine.length}/${failed}/${percentile(ms, 50)}`);
  }
  lines.push(`  per 2 s (started/failed/p50 ms): ${windows.join(' ')}`);
  return lines.join('\n');
}
