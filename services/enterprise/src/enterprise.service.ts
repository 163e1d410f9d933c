import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { initModels } from '@um/platform';
import { accessManagerActions } from './actions/access-managers.js';
import { auditActions, auditEvents } from './actions/audit.js';
import { backOfficeActions } from './actions/back-office.js';
import { mandateActions } from './actions/mandates.js';
import { onboardAction } from './actions/onboard.js';
import { readActions } from './actions/read.js';
import { createModels } from './model.js';

export async function buildEnterpriseService({ db }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
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
  };
}
