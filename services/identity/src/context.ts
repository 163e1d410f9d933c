import type { X509Certificate } from 'node:crypto';
import type { IdentityConfig, Logger, OwnedCache } from '@um/platform';
import type { IdentityModels } from './model.js';
import type { Argon2Cost } from './passwords.js';
import type { OwnRecord } from './actions/me.js';
import type { SessionCache } from './session-cache.js';
import type { LoginThrottle } from './throttle.js';

/** What every identity action needs, built once at start-up. */
export interface IdentityContext {
  models: IdentityModels;
  config: IdentityConfig;
  logger: Logger;
  cost: Argon2Cost;
  /** Verified against when a username is unknown, so both failures cost the same. */
  decoyHash: string;
  throttle: LoginThrottle;
  /** What authenticate read of recent sessions (bounded staleness, see session-cache.ts). */
  sessions: SessionCache;
  /**
   * A person's own data and roles as GET /me reads them (OwnedCache, `identity.persons`): every
   * write to a person or a role drops the person here and on every other instance.
   */
  persons: OwnedCache<OwnRecord>;
  /** CAs whose certificates log in as the NISS they carry (UM_EID_CA_FILE); empty: eID login off. */
  eidAnchors: X509Certificate[];
}
