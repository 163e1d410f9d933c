/**
 * Role lists name the company (manual Ill. 1). Identity, which answers them, calls nobody above it,
 * so the gateway adds the names from the enterprise service. A login does not fail for want of a
 * name: when the enterprise service does not answer, the roles go without.
 *
 * Names are labels that no rule reads, and an enterprise keeps the name it was onboarded with: the
 * gateway keeps those it was told for UM_READ_CACHE_MS, so that a steady stream of GET /me asks the
 * enterprise service only for names it has not seen lately.
 */
import type { FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { RoleView } from '@um/contracts';
import { ExpiringMap, call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';

const MAX_NAMES = 100_000;

/** One cache per gateway (a test process may hold several, each with its own broker). */
const caches = new WeakMap<ServiceBroker, { names: ExpiringMap<string, string>; ttlMs: number }>();

export function cacheEnterpriseNames(broker: ServiceBroker, ttlMs: number): void {
  caches.set(broker, { names: new ExpiringMap(MAX_NAMES), ttlMs });
}

export async function withEnterpriseNames<R extends Pick<RoleView, 'enterpriseNumber' | 'enterpriseName'>>(broker: ServiceBroker, request: FastifyRequest, roles: R[]): Promise<R[]> {
  const numbers = [...new Set(roles.flatMap((r) => (r.enterpriseNumber ? [r.enterpriseNumber] : [])))];
  if (numbers.length === 0) return roles;
  const cache = caches.get(broker);
  const now = Date.now();
  const names: Record<string, string> = {};
  const unknown = numbers.filter((n) => {
    const known = cache?.names.get(n, now);
    if (known !== undefined) names[n] = known;
    return known === undefined;
  });
  if (unknown.length > 0) {
    try {
      const found = await call(broker, 'enterprise.names', { enterpriseNumbers: unknown }, callOptions(request));
      for (const [n, name] of Object.entries(found)) {
        names[n] = name;
        if (cache && cache.ttlMs > 0) cache.names.set(n, name, now + cache.ttlMs);
      }
    } catch (err) {
      request.log.warn({ err: { type: (err as { type?: string }).type, message: (err as Error).message } }, 'roles answered without enterprise names');
    }
  }
  return roles.map((role) => {
    const name = role.enterpriseNumber ? names[role.enterpriseNumber] : undefined;
    return name ? { ...role, enterpriseName: name } : role;
  });
}
