/** The caller as the gateway authenticated it, and the permission check every service runs. */
import type { Context } from 'moleculer';
import { authorize, type CapabilityName, type Target } from '@um/domain';
import type { CallMeta, PayloadOf, Principal, RoleView } from '@um/contracts';
import { ClientProblem } from './errors.js';

/**
 * Whether a session-ending change (`identity.sessions.changed`) reaches this principal's session:
 * the session itself, any session of the person, or any session on the role. The one rule of both
 * session caches (identity's and the gateway's).
 */
export function endedBy(scope: PayloadOf<'identity.sessions.changed'>, principal: Principal): boolean {
  return (
    (scope.sessionId !== undefined && principal.sessionId === scope.sessionId) ||
    (scope.personId !== undefined && principal.personId === scope.personId) ||
    (scope.roleId !== undefined && principal.role?.id === scope.roleId)
  );
}

export function requirePrincipal(ctx: Context<unknown, CallMeta>): Principal {
  const principal = ctx.meta.principal;
  if (!principal) throw new ClientProblem('UNAUTHENTICATED', 'authentication required');
  return principal;
}

export function requireRole(ctx: Context<unknown, CallMeta>): Principal & { role: RoleView } {
  const principal = requirePrincipal(ctx);
  if (principal.passwordChangeRequired) throw new ClientProblem('PASSWORD_CHANGE_REQUIRED', 'change your password first (PUT /me/password)');
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
