/** user-management. */
import { HealthResult } from '../schemas.js';
import { NoParams, type ActionContract } from './types.js';

export const UserManagementActions = {
  'user-management.health': { params: NoParams, result: HealthResult, idempotent: true },
} as const satisfies Record<string, ActionContract>;
