/**
 * Webhooks (administrative events POSTed to an enterprise's own receiver): which target addresses
 * are accepted, and when a failed delivery is tried again.
 *
 * A receiver must be reachable over HTTPS on a public address: the service that sends sits inside
 * the platform's network, so an address of that network (private, loopback, link-local, the cloud
 * metadata address) would let a manager make it call internal systems (SSRF). Plain HTTP to the
 * loopback interface is accepted only where the deployment allows it (tests, a local receiver).
 */

export const WEBHOOK_LIMITS = { perEnterprise: 10, kinds: 50, urlLength: 2_000 } as const;

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why an IPv4 address (dotted quad) is not public, or undefined when it is. */
function ipv4Problem(address: string): string | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const [a, b] = parts as [number, number, number, number];
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'shared (carrier-grade NAT)';
  if (a === 0 || a >= 224) return 'not routable';
  if (a === 198 && (b === 18 || b === 19)) return 'benchmarking';
  return undefined;
}

/** The 8 groups of an IPv6 address (without brackets), or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const q = dotted[1]!.split('.').map(Number);
    text = text.slice(0, -dotted[1]!.length) + `${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail].map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  return groups.some(Number.isNaN) ? undefined : groups;
}

/** Why an IP address (v4, or v6 without brackets) is not a public one; undefined when it is public or not an IP. */
export function nonPublicAddress(address: string): string | undefined {
  if (!address.includes(':')) return ipv4Problem(address);
  const g = ipv6Groups(address);
  if (!g) return undefined;
  if (g.slice(0, 7).every((x) => x === 0)) return g[7] === 1 ? 'loopback' : 'not routable';
  // IPv4-mapped (::ffff:a.b.c.d): judged as the IPv4 address it carries.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return ipv4Problem(`${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`) ?? undefined;
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xff00) === 0xff00) return 'not routable';
  return undefined;
}

/** Whether a URL's host is the loopback interface by name or address. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname.toLowerCase());
}

/**
 * Why a webhook URL is refused, or undefined when it is accepted. Host names are checked again when
 * a delivery resolves them (a name may point at a private address, or be made to later).
 */
export function webhookUrlProblem(url: string, options: { allowLoopback: boolean }): string | undefined {
  if (url.length > WEBHOOK_LIMITS.urlLength) return 'the address is too long';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the address cannot be read';
  }
  if (parsed.username || parsed.password) return 'the address may not carry credentials';
  const host = parsed.hostname.toLowerCase();
  if (isLoopbackHost(host)) {
    if (!options.allowLoopback) return 'the loopback interface is not a receiver this deployment accepts';
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? undefined : 'only https (or http to the loopback interface) is accepted';
  }
  if (parsed.protocol !== 'https:') return 'only https is accepted';
  const address = host.startsWith('[') ? host.slice(1, -1) : host;
  const problem = nonPublicAddress(address);
  if (problem) return `the address is ${problem}, not public`;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return 'the address is an internal name';
  return undefined;
}

/**
 * How long to wait before the next attempt after `attempts` failed ones: doubling from `baseMs`,
 * at most `maxMs`, spread by ±20% (`random` in [0, 1)) so that receivers coming back are not hit by
 * every waiting delivery at once.
 */
export function webhookRetryDelayMs(attempts: number, baseMs: number, maxMs = 3_600_000, random = Math.random()): number {
  const exact = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exact * (0.8 + 0.4 * random));
}
