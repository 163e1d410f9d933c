import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { OwnedCache, defineEvent, initModels } from '@um/platform';
import { CACHES } from '@um/contracts';
import { managerActions } from './actions/managers.js';
import { qualityActions } from './actions/qualities.js';
import { scimTokenActions } from './actions/scim-tokens.js';
import { createModels, type QualityState } from './model.js';

export async function buildQualityService({ config, db }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, [models.Quality, models.ScimToken]);
  /** What quality.state answers (asked by every manager request on a quality's users), by qualityId. */
  const states = new OwnedCache<QualityState>(CACHES.qualityStates, config.UM_READ_CACHE_MS);
  return {
    name: 'quality',
    actions: { ...qualityActions(models, states), ...managerActions(models, states), ...scimTokenActions(models) },
    events: {
      ...defineEvent('cache.dropped', async (dropped) => states.onDropped(dropped)),
    },
  };
}
