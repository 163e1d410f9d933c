import type { ServiceSchema } from 'moleculer';
import { OwnedCache, defineEvent, initModels, type IdentityConfig, type ServiceDeps } from '@um/platform';
import { CACHES } from '@um/contracts';
import { peopleActions } from './actions/people.js';
import { accountActions } from './actions/accounts.js';
import { auditActions } from './actions/audit.js';
import { certificateActions } from './actions/certificates.js';
import { lookupActions } from './actions/lookup.js';
import { meActions } from './actions/me.js';
import { personActions } from './actions/persons.js';
import { roleActions } from './actions/roles.js';
import { sessionActions } from './actions/sessions.js';
import { bootstrapOperator } from './bootstrap.js';
import { loadEidAnchors } from './certificates.js';
import type { IdentityContext } from './context.js';
import { backfillRoleKeys, createModels } from './model.js';
import { decoyHash, type Argon2Cost } from './passwords.js';
import { LoginThrottle, createAttemptModel, policiesFrom } from './throttle.js';
import { SessionCache } from './session-cache.js';

export interface IdentityOptions {
  /** The throttle's clock (tests freeze it to compare lock answers at one instant). */
  now?: () => number;
}

export async function buildIdentityService({ config, logger, db }: ServiceDeps<IdentityConfig>, options: IdentityOptions = {}): Promise<ServiceSchema> {
  const cost: Argon2Cost = { memoryKiB: config.UM_ARGON2_MEMORY_KIB, passes: config.UM_ARGON2_PASSES, parallelism: 1 };
  const models = createModels(db);
  const attempts = createAttemptModel(db);
  await initModels(db, [...Object.values(models), attempts]);
  await backfillRoleKeys(models, logger);
  const ic: IdentityContext = { models, config, logger, cost, decoyHash: await decoyHash(cost), throttle: new LoginThrottle(attempts, policiesFrom(config), config.UM_LOGIN_ADDRESS_ALLOWLIST, options.now), sessions: new SessionCache(config.UM_SESSION_CACHE_MS), persons: new OwnedCache(CACHES.identityPersons, config.UM_READ_CACHE_MS), eidAnchors: loadEidAnchors(config.UM_EID_CA_FILE) };
  await bootstrapOperator(ic);
  let pruneTimer: NodeJS.Timeout | undefined;
  return {
    name: 'identity',
    started() {
      pruneTimer = setInterval(() => {
        ic.throttle.prune().catch((err: unknown) => logger.warn({ err }, 'could not prune login attempts'));
      }, 10 * 60_000);
      pruneTimer.unref();
    },
    stopped() {
      clearInterval(pruneTimer);
    },
    actions: {
      ...sessionActions(ic),
      ...personActions(ic),
      ...roleActions(ic),
      ...meActions(ic),
      ...certificateActions(ic),
      ...accountActions(ic),
      ...peopleActions(ic),
      ...lookupActions(ic),
      ...auditActions(ic),
    },
    events: {
      ...defineEvent('identity.sessions.changed', async (scope) => ic.sessions.forget(scope)),
      ...defineEvent('cache.dropped', async (dropped) => ic.persons.onDropped(dropped)),
    },
  };
}
