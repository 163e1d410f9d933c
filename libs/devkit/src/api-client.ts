/** A small HTTP client for the contract's JSON API, used by the e2e tests and the benches. */
import { Http1Pool } from './http1.js';

/** The bootstrap operator that test and bench systems are started with. */
export const OPERATOR = { username: 'operator0001', password: 'Operator#2026' };

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are untyped JSON */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** An answer's body: parsed JSON, null when empty, the text itself when it is not JSON. */
function jsonOrText(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A small HTTP client for the contract's JSON API. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, url: string, options: { token?: string; body?: unknown; rawBody?: string | Buffer; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Buffer | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${url.startsWith('/health') || url.startsWith('/docs') ? '' : '/api/v1'}${url}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: jsonOrText(await res.text()) as T, headers: res.headers };
  }

  get<T = any>(url: string, token?: string) {
    return this.request<T>('GET', url, { token });
  }
  post<T = any>(url: string, body: unknown, token?: string) {
    return this.request<T>('POST', url, { token, body });
  }

  /** Logs in, then chooses the role matching `pick` (or the only one); returns the role token. */
  async loginAs(username: string, password: string, pick?: (role: { kind: string; enterpriseNumber?: string; quality?: string }) => boolean): Promise<{ token: string; sessionToken: string; roles: any[] }> {
    const login = await this.post('/auth/login', { username, password });
    if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
    const role = pick ? login.body.roles.find(pick) : login.body.roles[0];
    if (!role) throw new Error(`login ${username}: no matching role in ${JSON.stringify(login.body.roles)}`);
    const chosen = await this.post('/auth/session/role', { roleId: role.id }, login.body.token);
    if (chosen.status !== 200) throw new Error(`choose role: ${chosen.status} ${JSON.stringify(chosen.body)}`);
    return { token: chosen.body.token, sessionToken: login.body.token, roles: login.body.roles };
  }

  /** Logs in as the bootstrap operator that test and bench systems are started with. */
  operator() {
    return this.loginAs(OPERATOR.username, OPERATOR.password);
  }
}

/**
 * JSON requests over keep-alive connections (http1.ts: a lean client, because on these 2 cores the
 * load generator shares the cores with the system it measures), for load loops. `path` is taken as
 * is (`/api/v1/…`). A request with no answer within `timeoutMs` fails with an error named
 * `TimeoutError`; the body is parsed JSON, or the text when it is not.
 */
export function keepAliveJson(
  baseUrl: string,
  maxSockets = Infinity,
): (method: string, path: string, options?: { token?: string; body?: unknown; timeoutMs?: number; headers?: Record<string, string> }) => Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(baseUrl);
  const pool = new Http1Pool(hostname, Number(port || 80), maxSockets);
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const answer = await pool.request({ method, path, headers, body: payload, timeoutMs: options.timeoutMs });
    return { status: answer.status, body: jsonOrText(answer.body.toString('utf8')) };
  };
}
