/**
 * Domain events between services (Moleculer events over NATS), name → payload schema. Emitters use
 * `emitEvent` and handlers `defineEvent` from @um/platform, both reading this map.
 */
import { z } from 'zod';
import { RoleKindCode } from './schemas.js';
import { SharedPersonAudit } from './schemas/identity.js';
import { QualityTypeCode } from './fields.js';

const RoleRef = z.object({
  roleId: z.string(),
  personId: z.string(),
  kind: RoleKindCode,
  enterpriseNumber: z.string().optional(),
  quality: QualityTypeCode.optional(),
  /** Time-bound access: the role's window (ISO 8601), when it has one. */
  validFrom: z.string().optional(),
  validUntil: z.string().optional(),
});

/**
 * The caches an owner drops by `cache.dropped`: a person's own data and roles (identity; the
 * gateway follows it for GET /me) and a quality's state (quality; user-management follows it).
 */
export const CACHES = { identityPersons: 'identity.persons', qualityStates: 'quality.states' } as const;

export const Events = {
  /** A role was granted, blocked, unblocked or revoked: projections and sessions follow. */
  'identity.role.changed': RoleRef.extend({ status: z.enum(['active', 'blocked', 'revoked']) }),
  /** A person's account was blocked, unblocked or deleted, or their password changed. */
  'identity.account.changed': z.object({ personId: z.string(), status: z.enum(['active', 'blocked', 'deleted']) }),
  /** A mandate was ended (validTo) or revoked: the routing rules relying on it are checked again. */
  'enterprise.mandate.changed': z.object({
    mandateId: z.string(),
    enterpriseNumber: z.string(),
    mandataryEnterpriseNumber: z.string(),
    change: z.enum(['ended', 'revoked']),
  }),
  'enterprise.onboarded': z.object({ enterpriseNumber: z.string(), accessManagerPersonId: z.string() }),
  /**
   * Broadcast to every identity instance and every gateway: sessions ended or lost a right (logout,
   * account blocked or deleted, password changed, role blocked or revoked); drop what is cached of
   * them (identity's session-cache.ts, the gateway's principal-cache.ts).
   */
  'identity.sessions.changed': z
    .object({ sessionId: z.string().optional(), personId: z.string().optional(), roleId: z.string().optional() })
    .refine((scope) => scope.sessionId || scope.personId || scope.roleId, 'name a session, a person or a role'),
  /**
   * A person changed their own person-level data (SharedPersonAudit): the enterprise service copies
   * it at once into the trails of the person's enterprises; what it misses it fetches from identity
   * (identity.pendingSharedAudit), so the event only makes the copy immediate.
   */
  'identity.person.audited': SharedPersonAudit,
  /**
   * Broadcast to every instance of the service that owns these records, and to those that follow
   * its drops: drop what is cached of them (libs/platform's OwnedCache; `cache` names the cache, one
   * of CACHES), they just changed.
   */
  'cache.dropped': z.object({ cache: z.string().max(100), keys: z.array(z.string().max(200)).min(1).max(1_000) }),
  /** A person's profile changed (names, title, language, e-mails): denormalised copies follow. */
  'identity.person.changed': z.object({ personId: z.string() }),
  /**
   * Broadcast to every user-management instance (each keeps an in-memory projection): re-read
   * these memberships and RAE/co-RAE roles (by their _id) from the store.
   */
  'user-management.membership.broadcast': z.object({
    memberships: z.array(z.string()).max(1_000).default([]),
    enterpriseRoles: z.array(z.string()).max(1_000).default([]),
  }),
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof Events;
export type PayloadOf<E extends EventName> = z.output<(typeof Events)[E]>;
