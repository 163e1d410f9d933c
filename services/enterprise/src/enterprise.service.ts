import type { ServiceBroker, ServiceSchema } from 'moleculer';
import { z } from 'zod';
import { BaseConfig, initModels, type ServiceDeps } from '@um/platform';
import { accessManagerActions } from './actions/access-managers.js';
import { auditActions, auditEvents, fetchSharedAudit } from './actions/audit.js';
import { backOfficeActions } from './actions/back-office.js';
import { mandateActions } from './actions/mandates.js';
import { onboardAction } from './actions/onboard.js';
import { readActions } from './actions/read.js';
import { createModels } from './model.js';

export const EnterpriseConfig = BaseConfig.extend({
  /**
   * Every this many seconds (and at start) each instance fetches from identity the changes people
   * made to their own data that are not yet in their enterprises' trails (their event was lost).
   */
  UM_AUDIT_RELAY_SECONDS: z.coerce.number().int().min(1).max(24 * 3_600).default(30),
});
export type EnterpriseConfig = z.infer<typeof EnterpriseConfig>;

export async function buildEnterpriseService({ config, db, logger }: ServiceDeps<EnterpriseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  let relayTimer: NodeJS.Timeout | undefined;
  let relaying = false;
  const relay = async (broker: ServiceBroker) => {
    if (relaying) return;
    relaying = true;
    try {
      const copied = await fetchSharedAudit(models, broker);
      if (copied > 0) logger.info({ copied }, 'self-service audit records copied into the enterprise trails');
    } catch (err) {
      logger.warn({ err }, 'could not fetch self-service audit records from identity; trying again later');
    } finally {
      relaying = false;
    }
  };
  return {
    name: 'enterprise',
    started() {
      const broker = this.broker;
      // Not awaited: this instance serves at once; identity may start after it.
      void broker.waitForServices('identity').then(() => relay(broker), () => undefined);
      relayTimer = setInterval(() => void relay(broker), config.UM_AUDIT_RELAY_SECONDS * 1_000);
      relayTimer.unref();
    },
    stopped() {
      clearInterval(relayTimer);
    },
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
  };
}
