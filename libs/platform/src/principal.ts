/** The caller as the gateway authenticated it, and the permission check every service runs. */
import type { Context } from 'moleculer';
import { authorize, type CapabilityName, type Target } from '@um/domain';
import type { CallMeta, Principal, RoleView } from '@um/contracts';
import { ClientProblem } from './errors.js';

export function requirePrincipal(ctx: Context<unknown, CallMeta>): Principal {
  const principal = ctx.meta.principal;
  if (!principal) throw new ClientProblem('UNAUTHENTICATED', 'authentication required');
  return principal;
}

export function requireRole(ctx: Context<unknown, CallMeta>): Principal & { role: RoleView } {
  const principal = requirePrincipal(ctx);
  if (!principal.role) throw new ClientProblem('ROLE_NOT_CHOSEN', 'choose a role first (POST /auth/session/role)');
  return principal as Principal & { role: RoleView };
}

/**
 * Throws unless the chosen role may use `capability` on `target`: 404 outside the role's
 * enterprise (never reveal what exists there), 403 inside it.
 */
export function ensureAllowed(ctx: Context<unknown, CallMeta>, capability: CapabilityName, target: Target = {}): Principal & { role: RoleView } {
  const principal = requireRole(ctx);
  const decision = authorize(principal.role, capability, target);
  if (decision === 'not-found') throw new ClientProblem('NOT_FOUND', 'not found');
  if (decision === 'forbidden') throw new ClientProblem('FORBIDDEN', `the role ${principal.role.kind} may not do this`);
  return principal;
}
