/**
 * The rights table of PRODUCT.md §2 as data. Every service decides with `authorize` from this one
 * table; the portal's menu (`capabilities`) is derived from it too.
 */
import type { QualityType } from './catalogue.js';

export const ROLE_KINDS = [
  'access-manager',
  'co-access-manager',
  'local-manager',
  'co-local-manager',
  'user',
  'contact-centre',
] as const;
export type RoleKind = (typeof ROLE_KINDS)[number];

/** A role as carried by a session: the scope it was granted in. */
export interface RoleScope {
  kind: RoleKind;
  enterpriseNumber?: string;
  quality?: QualityType;
}

/** Where an action applies: the whole system, one enterprise, or one quality of it. */
export type Scope = 'global' | 'enterprise' | 'quality' | 'self';

export interface Capability {
  /** What the action is, for humans (README table, audit). */
  label: string;
  scope: Scope;
  roles: readonly RoleKind[];
}

const MANAGERS = ['access-manager', 'co-access-manager', 'local-manager', 'co-local-manager'] as const;
const ENTERPRISE_MANAGERS = ['access-manager', 'co-access-manager'] as const;

export const CAPABILITIES = {
  'enterprise.read': {
    label: 'consult enterprise details (read only)',
    scope: 'enterprise',
    roles: [...ENTERPRISE_MANAGERS, 'contact-centre'],
  },
  'quality.activate': {
    label: 'activate a quality (eligible only) and designate its local manager',
    scope: 'enterprise',
    roles: ENTERPRISE_MANAGERS,
  },
  'quality.local-manager.designate': {
    label: 'designate or change the local manager of a quality',
    scope: 'quality',
    roles: ENTERPRISE_MANAGERS,
  },
  'co-access-managers.manage': {
    label: 'designate, block, unblock, delete, edit co-access-managers, reset their password',
    scope: 'enterprise',
    roles: ['access-manager'],
  },
  'users.search.enterprise': {
    label: "search users across all the enterprise's qualities",
    scope: 'enterprise',
    roles: ENTERPRISE_MANAGERS,
  },
  'users.search.quality': {
    label: 'search users of one quality (incl. by application access)',
    scope: 'quality',
    roles: MANAGERS,
  },
  'users.manage': {
    label: 'register a user, grant/revoke applications, change language/e-mails, block, unblock, delete, reset password',
    scope: 'quality',
    roles: MANAGERS,
  },
  'co-local-managers.manage': {
    label: 'designate, block, unblock, delete co-local-managers',
    scope: 'quality',
    roles: [...ENTERPRISE_MANAGERS, 'local-manager'],
  },
  'technical-user.designate': {
    label: 'designate the technical user of a quality',
    scope: 'quality',
    roles: MANAGERS,
  },
  'quality.details': {
    label: 'modify quality details (contact e-mail) and see its applications',
    scope: 'quality',
    roles: MANAGERS,
  },
  'routing.manage': {
    label: 'routing rules and structured messages of a quality',
    scope: 'quality',
    roles: MANAGERS,
  },
  'batch-channels.manage': {
    label: "the enterprise's batch channels (senders directory)",
    scope: 'enterprise',
    roles: MANAGERS,
  },
  'audit.read': {
    label: "read the enterprise's audit trail",
    scope: 'enterprise',
    roles: ENTERPRISE_MANAGERS,
  },
  'self.manage': {
    label: 'own data: consult, change language/e-mails, change password, upload certificate',
    scope: 'self',
    roles: [...MANAGERS, 'user', 'contact-centre'],
  },
  'admin.enterprises.onboard': {
    label: 'onboard an enterprise with its access manager',
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.access-manager.replace': {
    label: 'replace the access manager of an enterprise',
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.mandates.register': {
    label: 'register a mandate between enterprises',
    scope: 'global',
    roles: ['contact-centre'],
  },
} as const satisfies Record<string, Capability>;

export type CapabilityName = keyof typeof CAPABILITIES;

export interface Target {
  enterpriseNumber?: string;
  quality?: string;
}

/**
 * `allowed`; `forbidden` (the role may see the object but not do this); or `not-found` (the object
 * lies outside the role's enterprise or quality, so its existence is not revealed).
 */
export type Decision = 'allowed' | 'forbidden' | 'not-found';

export function authorize(role: RoleScope | undefined, capability: CapabilityName, target: Target = {}): Decision {
  if (!role) return 'forbidden';
  const cap: Capability = CAPABILITIES[capability];
  const global = cap.scope === 'global' || cap.scope === 'self' || role.kind === 'contact-centre';
  if (!global && (target.enterpriseNumber === undefined || role.enterpriseNumber !== target.enterpriseNumber)) {
    return 'not-found';
  }
  if (!(cap.roles as readonly RoleKind[]).includes(role.kind)) return 'forbidden';
  // A quality-bound role acts on its own quality only (rights table: "own quality").
  if (cap.scope === 'quality' && isQualityBound(role.kind) && role.quality !== target.quality) return 'forbidden';
  return 'allowed';
}

export function isQualityBound(kind: RoleKind): boolean {
  return kind === 'local-manager' || kind === 'co-local-manager' || kind === 'user';
}

/** The capabilities (menu) of a role kind. */
export function capabilitiesOf(kind: RoleKind): CapabilityName[] {
  return (Object.keys(CAPABILITIES) as CapabilityName[]).filter((name) =>
    (CAPABILITIES[name].roles as readonly RoleKind[]).includes(kind),
  );
}
