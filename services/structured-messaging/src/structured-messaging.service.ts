import type { Service, ServiceSchema } from 'moleculer';
import { z } from 'zod';
import { BaseConfig, initModels, type ServiceDeps } from '@um/platform';
import { listActions } from './actions/list.js';
import { Ingestion } from './ingest.js';
import { createModels } from './model.js';

export const StructuredMessagingConfig = BaseConfig.extend({
  /** Messages decided and stored together (one insert, one look-up per enterprise × quality). */
  UM_SM_BATCH_SIZE: z.coerce.number().int().min(1).max(5_000).default(500),
  /** Batches processed at the same time by one process. */
  UM_SM_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  /** A delivered message not acknowledged within this is redelivered (a process that died). */
  UM_SM_ACK_WAIT_MS: z.coerce.number().int().min(1_000).max(600_000).default(20_000),
  /**
   * How long a look-up of quality, routing and account facts may be shared by later batches, which
   * moreover must have been delivered before it started (src/facts.ts).
   */
  UM_SM_FACTS_MAX_AGE_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
});
export type StructuredMessagingConfig = z.infer<typeof StructuredMessagingConfig>;

export async function buildStructuredMessagingService({ config, logger, db }: ServiceDeps<StructuredMessagingConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, [models.Message]);
  let ingestion: Ingestion | undefined;
  // Registered before runService's own handlers, so intake stops first; the broker then drains and
  // `stopped` waits for the batches in flight.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => ingestion?.pause());
  return {
    name: 'structured-messaging',
    actions: { ...listActions(models) },
    async started(this: Service) {
      ingestion = new Ingestion(
        {
          natsUrl: config.NATS_URL,
          namespace: config.UM_NAMESPACE,
          batchSize: config.UM_SM_BATCH_SIZE,
          maxInFlight: config.UM_SM_MAX_IN_FLIGHT,
          ackWaitMs: config.UM_SM_ACK_WAIT_MS,
          factsMaxAgeMs: config.UM_SM_FACTS_MAX_AGE_MS,
        },
        models,
        this.broker,
        logger,
      );
      await ingestion.start();
      logger.info({ stream: ingestion.subjects.stream, inbound: `${ingestion.subjects.inbound}.>` }, 'ingesting structured messages');
    },
    async stopped() {
      await ingestion?.stop();
    },
  };
}
