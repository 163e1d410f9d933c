/**
 * One map of every Moleculer action: name → params schema, result schema, and whether a retry is
 * safe. Callers (`call` in @um/platform) and handlers (`defineAction`) both read it, so they cannot
 * drift. Each service's actions are declared in the file named after it.
 */
import type { z } from 'zod';
import type { Principal } from '../schemas.js';
import { EnterpriseActions } from './enterprise.js';
import { IdentityActions } from './identity.js';
import { IdentityRoleActions } from './identity-roles.js';
import { IdentityLookupActions } from './identity-lookup.js';
import { QualityActions } from './quality.js';
import { RoutingModuleActions } from './routing-module.js';
import { StructuredMessagingActions } from './structured-messaging.js';
import { UserManagementActions } from './user-management.js';

export { NoParams, Void, type ActionContract } from './types.js';

export const Actions = {
  ...IdentityActions,
  ...IdentityRoleActions,
  ...IdentityLookupActions,
  ...EnterpriseActions,
  ...QualityActions,
  ...UserManagementActions,
  ...RoutingModuleActions,
  ...StructuredMessagingActions,
};

export type ActionName = keyof typeof Actions;
export type ParamsOf<A extends ActionName> = z.input<(typeof Actions)[A]['params']>;
export type ResultOf<A extends ActionName> = z.output<(typeof Actions)[A]['result']>;

/** The services that make up the system, each a separate process (and Moleculer service). */
export const SERVICE_NAMES = [
  'identity',
  'enterprise',
  'quality',
  'user-management',
  'routing-module',
  'structured-messaging',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What every call carries besides its params. */
export interface CallMeta {
  principal?: Principal;
  /** Source address of the HTTP client, for throttling and audit. */
  sourceIp?: string;
}
