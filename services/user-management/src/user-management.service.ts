import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { defineEvent, initModels } from '@um/platform';
import { searchActions } from './actions/search.js';
import { userActions } from './actions/users.js';
import { createModels } from './model.js';
import { Sync } from './sync.js';

export async function buildUserManagementService({ db, logger }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  const sync = new Sync(models, logger);
  return {
    name: 'user-management',
    async started() {
      // Before this instance offers its actions: a check never sees a half-loaded projection.
      const loaded = await sync.load();
      logger.info(loaded, 'authorization projection loaded');
    },
    actions: { ...userActions(models, sync), ...searchActions(sync) },
    events: {
      // Balanced (one instance of user-management writes the store) …
      ...defineEvent('identity.role.changed', (payload, ctx) => sync.onRoleChanged(ctx, payload)),
      ...defineEvent('identity.person.changed', (payload, ctx) => sync.onPersonChanged(ctx, payload.personId)),
      ...defineEvent('identity.account.changed', (payload, ctx) => sync.onPersonChanged(ctx, payload.personId)),
      // … then broadcast: every other instance re-reads the changed records into its projection.
      ...defineEvent('user-management.membership.broadcast', (payload, ctx) => sync.onBroadcast(ctx, payload)),
    },
  };
}
