/**
 * Role lists name the company (manual Ill. 1). Identity, which answers them, calls nobody above it,
 * so the gateway adds the names from the enterprise service. A login does not fail for want of a
 * name: when the enterprise service does not answer, the roles go without.
 */
import type { FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { RoleView } from '@um/contracts';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';

export async function withEnterpriseNames<R extends Pick<RoleView, 'enterpriseNumber' | 'enterpriseName'>>(broker: ServiceBroker, request: FastifyRequest, roles: R[]): Promise<R[]> {
  const numbers = [...new Set(roles.flatMap((r) => (r.enterpriseNumber ? [r.enterpriseNumber] : [])))];
  if (numbers.length === 0) return roles;
  let names: Record<string, string>;
  try {
    names = await call(broker, 'enterprise.names', { enterpriseNumbers: numbers }, callOptions(request));
  } catch (err) {
    request.log.warn({ err: { type: (err as { type?: string }).type, message: (err as Error).message } }, 'roles answered without enterprise names');
    return roles;
  }
  return roles.map((role) => {
    const name = role.enterpriseNumber ? names[role.enterpriseNumber] : undefined;
    return name ? { ...role, enterpriseName: name } : role;
  });
}
