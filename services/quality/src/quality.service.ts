import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { initModels } from '@um/platform';
import { managerActions } from './actions/managers.js';
import { qualityActions } from './actions/qualities.js';
import { scimTokenActions } from './actions/scim-tokens.js';
import { createModels } from './model.js';

export async function buildQualityService({ db }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, [models.Quality, models.ScimToken]);
  return {
    name: 'quality',
    actions: { ...qualityActions(models), ...managerActions(models), ...scimTokenActions(models) },
  };
}
