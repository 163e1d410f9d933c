import type { ServiceBroker, ServiceSchema } from 'moleculer';
import { z } from 'zod';
import { BaseConfig, CoalescingRunner, initModels, whenServicesUp, type ServiceDeps } from '@um/platform';
import { accessManagerActions } from './actions/access-managers.js';
import { auditActions, auditEvents, fetchSharedAudit } from './actions/audit.js';
import { backOfficeActions } from './actions/back-office.js';
import { mandateActions } from './actions/mandates.js';
import { onboardAction } from './actions/onboard.js';
import { readActions } from './actions/read.js';
import { createModels } from './model.js';
import { OutboxRelay } from './outbox.js';
import { webhookActions } from './actions/webhooks.js';
import { WebhookDispatcher } from './webhook-dispatch.js';

export const EnterpriseConfig = BaseConfig.extend({
  /**
   * Every this many seconds (and at start) each instance fetches from identity the changes people
   * made to their own data that are not yet in their enterprises' trails (their event was lost).
   */
  UM_AUDIT_RELAY_SECONDS: z.coerce.number().int().min(1).max(24 * 3_600).default(30),
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
  /** Whether this instance sends webhook deliveries (`false`: it only manages webhooks; another instance sends). */
  UM_WEBHOOKS: z.enum(['true', 'false']).default('true'),
  /** Accept http/https receivers on localhost/127.0.0.1/::1 (tests, a local receiver); otherwise https on public addresses only. */
  UM_WEBHOOK_ALLOW_LOOPBACK: z.enum(['true', 'false']).default('false'),
  /** Wait before the second attempt of a failed delivery; doubled at each further attempt (at most one hour). */
  UM_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** Attempts of one delivery before it is marked failed. */
  UM_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(10),
  /** A receiver that has not answered within this is counted as a failed attempt. */
  UM_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
});
export type EnterpriseConfig = z.infer<typeof EnterpriseConfig>;

export async function buildEnterpriseService({ config, db, logger }: ServiceDeps<EnterpriseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  let relayTimer: NodeJS.Timeout | undefined;
  let cancelFirstRelay = () => {};
  let relayBroker: ServiceBroker | undefined;
  // The self-service records identity still holds as not copied: one fetch at a time.
  const relays = new CoalescingRunner(
    async () => {
      const copied = await fetchSharedAudit(models, relayBroker!);
      if (copied > 0) logger.info({ copied }, 'self-service audit records copied into the enterprise trails');
    },
    (err) => logger.warn({ err }, 'could not fetch self-service audit records from identity; trying again later'),
  );
  const outbox =
    config.UM_EVENTS_RELAY === 'true'
      ? new OutboxRelay(
          {
            natsUrl: config.NATS_URL,
            namespace: config.UM_NAMESPACE,
            sweepMs: config.UM_EVENTS_SWEEP_MS,
            claimMs: config.UM_EVENTS_CLAIM_MS,
            // One claim and one mark per batch; its publishes go out together (outbox.ts).
            batchSize: 500,
            duplicateWindowMs: config.UM_EVENTS_DUPLICATE_WINDOW_MS,
            maxAgeMs: config.UM_EVENTS_MAX_AGE_MS,
          },
          models,
          logger,
        )
      : undefined;
  const dispatcher =
    config.UM_WEBHOOKS === 'true'
      ? new WebhookDispatcher(
          {
            natsUrl: config.NATS_URL,
            namespace: config.UM_NAMESPACE,
            allowLoopback: config.UM_WEBHOOK_ALLOW_LOOPBACK === 'true',
            retryBaseMs: config.UM_WEBHOOK_RETRY_BASE_MS,
            maxAttempts: config.UM_WEBHOOK_MAX_ATTEMPTS,
            timeoutMs: config.UM_WEBHOOK_TIMEOUT_MS,
            duplicateWindowMs: config.UM_EVENTS_DUPLICATE_WINDOW_MS,
            maxAgeMs: config.UM_EVENTS_MAX_AGE_MS,
          },
          models,
          logger,
        )
      : undefined;
  return {
    name: 'enterprise',
    async started() {
      const broker = this.broker;
      // Not awaited: this instance serves at once; identity may start after it.
      relayBroker = broker;
      cancelFirstRelay = whenServicesUp(broker, ['identity'], () => relays.kick());
      relayTimer = setInterval(() => relays.kick(), config.UM_AUDIT_RELAY_SECONDS * 1_000);
      relayTimer.unref();
      if (outbox) {
        await outbox.start();
        logger.info({ stream: outbox.subjects.stream, subjects: `${outbox.subjects.root}.>` }, 'relaying the audit outbox to JetStream');
      } else logger.info('audit outbox relay off on this instance (UM_EVENTS_RELAY=false)');
      if (dispatcher) {
        await dispatcher.start();
        logger.info('sending webhook deliveries');
      }
    },
    async stopped() {
      cancelFirstRelay();
      clearInterval(relayTimer);
      // A fetch in progress is not waited for: what it has not acknowledged stays marked in identity.
      void relays.stop();
      await Promise.all([outbox?.stop(), dispatcher?.stop()]);
    },
    actions: {
      ...onboardAction(models),
      ...readActions(models),
      ...accessManagerActions(models),
      ...mandateActions(models),
      ...auditActions(models),
      ...backOfficeActions(models),
      ...webhookActions(models, { allowLoopback: config.UM_WEBHOOK_ALLOW_LOOPBACK === 'true' }),
    },
    events: {
      ...auditEvents(models),
    },
  };
}
