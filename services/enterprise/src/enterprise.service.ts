import type { ServiceSchema } from 'moleculer';
import { z } from 'zod';
import { BaseConfig, type ServiceDeps } from '@um/platform';
import { initModels } from '@um/platform';
import { accessManagerActions } from './actions/access-managers.js';
import { auditActions, auditEvents } from './actions/audit.js';
import { backOfficeActions } from './actions/back-office.js';
import { mandateActions } from './actions/mandates.js';
import { onboardAction } from './actions/onboard.js';
import { readActions } from './actions/read.js';
import { createModels } from './model.js';
import { OutboxRelay } from './outbox.js';

export const EnterpriseConfig = BaseConfig.extend({
  /** Whether this instance relays the audit outbox to JetStream (`false`: it stores records, another instance publishes them). */
  UM_EVENTS_RELAY: z.enum(['true', 'false']).default('true'),
  /** Pending events are looked for this often besides right after each change (another instance's, one that died). */
  UM_EVENTS_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** A batch an instance took to publish is left to it this long before another instance may take it. */
  UM_EVENTS_CLAIM_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** JetStream's de-duplication window by Nats-Msg-Id on UM_EVENTS (when this service creates the stream). */
  UM_EVENTS_DUPLICATE_WINDOW_MS: z.coerce.number().int().min(1_000).max(7 * 24 * 3_600_000).default(3_600_000),
  /** How long UM_EVENTS keeps events (when this service creates the stream). */
  UM_EVENTS_MAX_AGE_MS: z.coerce.number().int().min(60_000).default(30 * 24 * 3_600_000),
});
export type EnterpriseConfig = z.infer<typeof EnterpriseConfig>;

export async function buildEnterpriseService({ config, logger, db }: ServiceDeps<EnterpriseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  const relay =
    config.UM_EVENTS_RELAY === 'true'
      ? new OutboxRelay(
          {
            natsUrl: config.NATS_URL,
            namespace: config.UM_NAMESPACE,
            sweepMs: config.UM_EVENTS_SWEEP_MS,
            claimMs: config.UM_EVENTS_CLAIM_MS,
            batchSize: 100,
            duplicateWindowMs: config.UM_EVENTS_DUPLICATE_WINDOW_MS,
            maxAgeMs: config.UM_EVENTS_MAX_AGE_MS,
          },
          models,
          logger,
        )
      : undefined;
  return {
    name: 'enterprise',
    actions: {
      ...onboardAction(models),
      ...readActions(models),
      ...accessManagerActions(models),
      ...mandateActions(models),
      ...auditActions(models),
      ...backOfficeActions(models),
    },
    events: {
      ...auditEvents(models),
    },
    async started() {
      if (!relay) return logger.info('audit outbox relay off on this instance (UM_EVENTS_RELAY=false)');
      await relay.start();
      logger.info({ stream: relay.subjects.stream, subjects: `${relay.subjects.root}.>` }, 'relaying the audit outbox to JetStream');
    },
    async stopped() {
      await relay?.stop();
    },
  };
}
