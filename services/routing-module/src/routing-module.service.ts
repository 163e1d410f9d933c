import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { initModels } from '@um/platform';
import { channelActions } from './actions/channels.js';
import { ruleActions } from './actions/rules.js';
import { createModels } from './model.js';

export async function buildRoutingModuleService({ db }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  return {
    name: 'routing-module',
    actions: { ...channelActions(models), ...ruleActions(models) },
  };
}
