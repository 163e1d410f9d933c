import type { Context, ServiceSchema } from 'moleculer';
import { z } from 'zod';
import { BaseConfig, defineEvent, initModels, whenServicesUp, type ServiceDeps } from '@um/platform';
import { scimActions } from './actions/scim.js';
import { searchActions } from './actions/search.js';
import { userActions } from './actions/users.js';
import { Imports } from './imports.js';
import { ExpirySweep } from './expiry.js';
import { createModels } from './model.js';
import { Sync } from './sync.js';

export const UserManagementConfig = BaseConfig.extend({
  /**
   * Every this many minutes each instance reads its projection again from the store (0: never; it
   * also does when its NATS connection comes back): the bound on a broadcast it missed.
   */
  UM_PROJECTION_RELOAD_MINUTES: z.coerce.number().min(0).max(24 * 60).default(15),
  /**
   * Time-bound access: every this many seconds each instance records in the enterprise trails the
   * validity bounds reached since (expiry.ts). Only the record waits for it: checks never do.
   */
  UM_VALIDITY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /**
   * Bulk import (imports.ts): a worker renews its lease on a job after every chunk; a running job
   * whose lease is older than this is taken over by any instance (looked for at start and every
   * half lease). Longer than a chunk can take, or a slow worker's job is applied twice at once.
   */
  UM_IMPORT_LEASE_SECONDS: z.coerce.number().int().min(2).max(3_600).default(60),
  /**
   * Bulk import: a finished or abandoned job is deleted, with its rows and report (names, NISS,
   * e-mails of the file), this many days after it last changed (looked for at every sweep).
   */
  UM_IMPORT_KEEP_DAYS: z.coerce.number().min(1).max(3_650).default(30),
});
export type UserManagementConfig = z.infer<typeof UserManagementConfig>;

export async function buildUserManagementService({ config, db, logger }: ServiceDeps<UserManagementConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  const sync = new Sync(models, logger, config.UM_READ_CACHE_MS);
  const imports = new Imports(models, sync, logger, { leaseMs: config.UM_IMPORT_LEASE_SECONDS * 1_000, keepMs: config.UM_IMPORT_KEEP_DAYS * 86_400_000 });
  const reload = (reason: string) => void sync.reload(reason).catch((err: unknown) => logger.error({ err, reason }, 'could not reload the authorization projection'));
  let reloadTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let cancelFirstSweep = () => {};
  const expiry = new ExpirySweep(models, sync, logger);
  return {
    name: 'user-management',
    async started() {
      // Before this instance offers its actions: a check never sees a half-loaded projection.
      const loaded = await sync.load();
      logger.info(loaded, 'authorization projection loaded');
      imports.start(this.broker);
      const broker = this.broker;
      const sweep = () => void expiry.run(broker).catch((err: unknown) => logger.warn({ err }, 'validity sweep failed; trying again at the next one'));
      // The first pass once the trail's service is there: what expired while everything was down.
      cancelFirstSweep = whenServicesUp(broker, ['enterprise'], sweep);
      sweepTimer = setInterval(sweep, config.UM_VALIDITY_SWEEP_SECONDS * 1_000);
      sweepTimer.unref();
      if (config.UM_PROJECTION_RELOAD_MINUTES > 0) {
        // ±10 % per instance, so instances started together do not all read the store at once.
        const periodMs = config.UM_PROJECTION_RELOAD_MINUTES * 60_000 * (0.9 + Math.random() * 0.2);
        reloadTimer = setInterval(() => reload('periodic'), periodMs);
        reloadTimer.unref();
      }
    },
    stopped() {
      clearInterval(reloadTimer);
      imports.stop();
      cancelFirstSweep();
      clearInterval(sweepTimer);
    },
    actions: { ...userActions(models, sync), ...scimActions(models, sync), ...searchActions(sync), ...imports.actions() },
    events: {
      // Balanced (one instance of user-management writes the store) …
      ...defineEvent('identity.role.changed', (payload, ctx) => sync.onRoleChanged(ctx, payload)),
      ...defineEvent('identity.person.changed', (payload, ctx) => sync.onPersonChanged(ctx, payload.personId)),
      ...defineEvent('identity.account.changed', (payload, ctx) => sync.onPersonChanged(ctx, payload.personId)),
      // … then broadcast: every other instance re-reads the changed records into its projection.
      ...defineEvent('user-management.membership.broadcast', (payload, ctx) => sync.onBroadcast(ctx, payload)),
      // quality's states changed (activation, technical user): what this instance keeps of them goes.
      ...defineEvent('cache.dropped', async (dropped) => sync.qualityStates.onDropped(dropped)),
      // Moleculer's own: broadcasts sent while this instance was cut from NATS never reach it.
      '$transporter.connected'(ctx: Context<{ wasReconnect?: boolean }>) {
        if (ctx.params.wasReconnect) reload('NATS connection back');
      },
    },
  };
}
