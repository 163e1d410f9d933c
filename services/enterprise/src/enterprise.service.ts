import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { onboardAction } from './actions/onboard.js';
import { readActions } from './actions/read.js';
import { createModels } from './model.js';

export async function buildEnterpriseService({ logger, db }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await models.Enterprise.init();
  return {
    name: 'enterprise',
    actions: { ...onboardAction(models, logger), ...readActions(models) },
  };
}
