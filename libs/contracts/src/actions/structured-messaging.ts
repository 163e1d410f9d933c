/** structured-messaging: the messages ingested from JetStream and their outcome. */
import { HealthResult } from '../schemas.js';
import { QualityParams } from '../schemas/management.js';
import { StructuredMessagePage, StructuredMessageQuery } from '../schemas/routing.js';
import { NoParams, type ActionContract } from './types.js';

export const StructuredMessagingActions = {
  'structured-messaging.health': { params: NoParams, result: HealthResult, idempotent: true },
  'structured-messaging.list': { params: QualityParams.extend(StructuredMessageQuery.shape), result: StructuredMessagePage, idempotent: true, capability: 'routing.manage' },
} as const satisfies Record<string, ActionContract>;
