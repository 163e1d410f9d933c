/** enterprise: enterprises (onboarding, details), mandates. */
import { EnterpriseNumberParams, EnterpriseView, HealthResult, OnboardEnterpriseBody, OnboardEnterpriseResult } from '../schemas.js';
import { NoParams, type ActionContract } from './types.js';

export const EnterpriseActions = {
  'enterprise.health': { params: NoParams, result: HealthResult, idempotent: true },
  'enterprise.onboard': { params: OnboardEnterpriseBody, result: OnboardEnterpriseResult, idempotent: false },
  'enterprise.get': { params: EnterpriseNumberParams, result: EnterpriseView, idempotent: true },
} as const satisfies Record<string, ActionContract>;
