/**
 * Configuration is read from the environment once, at start-up, with zod; a bad or missing key
 * stops the process with the key's name.
 */
import { z } from 'zod';

import { isIP } from 'node:net';

const Port = z.coerce.number().int().min(0).max(65535);

export const BaseConfig = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  MONGO_URL: z.string().default('mongodb://127.0.0.1:27017'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Moleculer request timeout for every call between services. */
  UM_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** An idempotent call's attempt that may still be retried waits at most this long (0: the whole timeout). */
  UM_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(3_000),
  /** Prefix of every service's database name (`<prefix>-<service>`): tests isolate runs with it. */
  UM_DB_PREFIX: z.string().regex(/^[a-z0-9-]{1,40}$/).default('um'),
  /** Moleculer namespace: processes with different namespaces on one NATS never see each other. */
  UM_NAMESPACE: z.string().regex(/^[a-z0-9-]{0,40}$/).default(''),
  /** Port of this process's Prometheus metrics (`/metrics`) and probes (`/health/live`, `/health/ready`); 0 = off. */
  UM_METRICS_PORT: Port.default(0),
  UM_METRICS_HOST: z.string().default('0.0.0.0'),
  /** Log lines as JSON, or human-readable and coloured (`auto`: readable when stdout is a terminal). */
  UM_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** OTLP/HTTP endpoint (base URL: spans go to `<url>/v1/traces`, JSON); unset: no span is made. */
  /**
   * How long a service believes a record it owns and read before (OwnedCache: a person's own data in
   * identity, a quality's state in quality). Every write drops what it touched on every instance at
   * once; this bounds a missed broadcast. 0: every read asks the store.
   */
  UM_READ_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  UM_OTLP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional()),
});
export type BaseConfig = z.infer<typeof BaseConfig>;

/**
 * How long identity believes what it read of a session before asking the store again, and the
 * gateway what identity answered for a token before asking identity again (0: every request asks).
 * Session-ending changes are broadcast and seen at once; this bounds a missed broadcast.
 */
const SessionCacheMs = z.coerce.number().int().min(0).max(60_000).default(1_000);

export const GatewayConfig = BaseConfig.extend({
  UM_SESSION_CACHE_MS: SessionCacheMs,
  HOST: z.string().default('127.0.0.1'),
  PORT: Port.default(3000),
  /** Largest accepted request body, in bytes. */
  UM_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Addresses of trusted reverse proxies whose X-Forwarded-For is believed (comma-separated). */
  UM_TRUSTED_PROXIES: z.string().default(''),
  /** Optional HTTPS listener asking for a client certificate (certificate login over mutual TLS). */
  UM_TLS_PORT: Port.optional(),
  UM_TLS_CERT_FILE: z.string().optional(),
  UM_TLS_KEY_FILE: z.string().optional(),
  /** CAs named to clients in the TLS certificate request (a hint only: identity decides trust). */
  UM_TLS_CLIENT_CA_FILE: z.string().optional(),
  /** Header in which a TLS terminator forwards the client certificate (URL-encoded PEM). */
  UM_CLIENT_CERT_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional(),
  /** Direct peer addresses whose UM_CLIENT_CERT_HEADER is believed (comma-separated). */
  UM_CERT_HEADER_TRUSTED_PROXIES: z.string().default(''),
  /**
   * Origins (scheme://host[:port], comma-separated, exact) whose browser pages may call the API
   * (CORS). None by default: no CORS header is ever sent.
   */
  UM_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'each origin is scheme://host[:port], without a path or a trailing slash'))),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const IdentityConfig = BaseConfig.extend({
  UM_BOOTSTRAP_OPERATOR_USERNAME: z.string().optional(),
  UM_BOOTSTRAP_OPERATOR_PASSWORD: z.string().optional(),
  /** Create the bootstrap operator only when no contact-centre operator exists at all (`npm start`'s local operator). */
  UM_BOOTSTRAP_OPERATOR_IF_NONE: z.stringbool().default(false),
  /** Session lifetime without activity, and in total. */
  UM_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  UM_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(12),
  UM_SESSION_CACHE_MS: SessionCacheMs,
  /** argon2id cost: memory in KiB and passes (OWASP minimum: 19 MiB, t=2). */
  UM_ARGON2_MEMORY_KIB: z.coerce.number().int().min(19_456).max(4 * 1024 * 1024).default(19_456),
  UM_ARGON2_PASSES: z.coerce.number().int().min(2).max(10).default(2),
  /** PEM bundle of the CAs whose certificates log in as the NISS in their subject's serialNumber (eID). */
  UM_EID_CA_FILE: z.string().optional(),
  /**
   * Login throttling (see services/identity/src/throttle.ts). Failures are counted per username
   * typed (known or not) and per source address, each within its window; from the threshold on,
   * the username answers 423 ACCOUNT_LOCKED and the address 429 TOO_MANY_ATTEMPTS, for a lock
   * that starts at UM_LOGIN_LOCK_SECONDS and doubles with each further failure, up to
   * UM_LOGIN_MAX_LOCK_SECONDS.
   */
  UM_LOGIN_USERNAME_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  UM_LOGIN_USERNAME_WINDOW_MINUTES: z.coerce.number().int().min(1).max(30 * 24 * 60).default(24 * 60),
  UM_LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  UM_LOGIN_ADDRESS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(30 * 24 * 60).default(24 * 60),
  UM_LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(24 * 3_600).default(30),
  UM_LOGIN_MAX_LOCK_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3_600).default(15 * 60),
  /**
   * Source addresses and CIDR ranges (comma-separated, IPv4 or IPv6) never address-limited: a
   * proxy that forwards no client address. Their usernames are still counted.
   */
  UM_LOGIN_ADDRESS_ALLOWLIST: z
    .string()
    .default('')
    .refine((value) => allowlistEntries(value).every((entry) => parseAllowlistEntry(entry) !== undefined), 'each entry must be an IPv4/IPv6 address or CIDR range'),
});
export type IdentityConfig = z.infer<typeof IdentityConfig>;

/** The entries of a comma-separated list, trimmed, empty ones dropped. */
export function allowlistEntries(list: string): string[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** An address or a CIDR range of UM_LOGIN_ADDRESS_ALLOWLIST, or undefined when it is neither. */
export function parseAllowlistEntry(entry: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) return { address, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= (version === 4 ? 32 : 128) ? { address, prefix, family } : undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}
