/** quality. */
import { HealthResult } from '../schemas.js';
import { NoParams, type ActionContract } from './types.js';

export const QualityActions = {
  'quality.health': { params: NoParams, result: HealthResult, idempotent: true },
} as const satisfies Record<string, ActionContract>;
