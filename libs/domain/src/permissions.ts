/**
 * The rights table of docs/product.md §2 as data. Every service decides with `authorize` from this one
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
  /**
   * Not a person: an HR system calling /scim/v2 with a quality's SCIM token. Its principal is scoped
   * to exactly that enterprise and quality, and its changes are audited with the token as actor.
   */
  'scim-client',
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
  /** What the action is, for humans (docs/permissions.md, audit). */
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
    label: 'designate, read, edit, block, unblock, delete co-local-managers, reset their password',
    scope: 'quality',
    roles: [...ENTERPRISE_MANAGERS, 'local-manager'],
  },
  'persons.lookup': {
    label: 'look a person up by NISS before adding them (names pre-filled)',
    scope: 'enterprise',
    roles: [...MANAGERS, 'contact-centre'],
  },
  'scim.tokens.manage': {
    // A token is a standing delegate that provisions the quality's users without a person behind
    // it, like a co-GL: whoever may designate co-GLs (manual 5.1, footnotes 2–3: not a co-GL) issues it.
    label: "create, list and revoke the quality's SCIM tokens (HR-system provisioning)",
    scope: 'quality',
    roles: [...ENTERPRISE_MANAGERS, 'local-manager'],
  },
  'scim.provision': {
    label: "provision the quality's users over SCIM 2.0 (create, read, deactivate, delete)",
    scope: 'quality',
    roles: ['scim-client'],
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
  'mandates.read': {
    label: 'read the mandates the enterprise gave or holds',
    scope: 'enterprise',
    roles: [...MANAGERS, 'contact-centre'],
  },
  'routing.received': {
    label: 'read the routing rules of other enterprises that name this one as recipient',
    scope: 'enterprise',
    roles: MANAGERS,
  },
  'audit.read': {
    label: "read the enterprise's audit trail (GL/co-GL: their quality's part)",
    scope: 'enterprise',
    roles: MANAGERS,
  },
  'webhooks.manage': {
    label: "register, list and remove the enterprise's webhooks (administrative events POSTed to a receiver) and read their delivery log",
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
  'admin.persons.audit': {
    label: "read a person's audit trail (logins, password and certificate changes, lock-outs)",
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.qualities.registry': {
    label: "change a quality's registry identifiers (employer registration number, INAMI number)",
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.mandates.register': {
    label: 'register a mandate between enterprises',
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.enterprises.find': {
    label: 'find an enterprise by number or name',
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.persons.find': {
    label: 'find a person by NISS or username, with their roles',
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.persons.unlock': {
    label: "clear a person's login lock-out",
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.persons.reset-password': {
    label: "reset a person's password (to be changed at the next login)",
    scope: 'global',
    roles: ['contact-centre'],
  },
  'admin.mandates.end': {
    label: 'end or revoke a mandate (the routing rules relying on it stop)',
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
  // A role kind that never holds the capability is refused whatever the target (the gateway
  // answers this before reading the body); saying so reveals nothing about the target.
  if (!(cap.roles as readonly RoleKind[]).includes(role.kind)) return 'forbidden';
  const global = cap.scope === 'global' || cap.scope === 'self' || role.kind === 'contact-centre';
  if (!global && (target.enterpriseNumber === undefined || role.enterpriseNumber !== target.enterpriseNumber)) {
    return 'not-found';
  }
  // A quality-bound role acts on its own quality only (rights table: "own quality").
  if (cap.scope === 'quality' && isQualityBound(role.kind) && role.quality !== target.quality) return 'forbidden';
  return 'allowed';
}

export function isQualityBound(kind: RoleKind): boolean {
  return kind === 'local-manager' || kind === 'co-local-manager' || kind === 'user' || kind === 'scim-client';
}

/** The capabilities (menu) of a role kind. */
export function capabilitiesOf(kind: RoleKind): CapabilityName[] {
  return (Object.keys(CAPABILITIES) as CapabilityName[]).filter((name) =>
    (CAPABILITIES[name].roles as readonly RoleKind[]).includes(kind),
  );
}

// ---- the permission matrix: every route of docs/product.md §5 → what it needs ------------------

/** What a route needs: nothing, a session (no role chosen), or a chosen role allowed `capability`. */
export type RouteAuth = 'none' | 'session' | 'role';

export interface RouteRule {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /api/v1, parameters as in the OpenAPI description (`{enterpriseNumber}`). */
  path: string;
  auth: RouteAuth;
  /**
   * For `role` routes, the capability of the action the route forwards to, as its contract in
   * libs/contracts declares it (that contract is the source: `defineAction` checks it, and a unit
   * test of the contracts checks that this column renders it); for `session` routes, what it amounts to.
   */
  capability?: CapabilityName;
  /** The Moleculer action the route forwards to (`role` routes). */
  action?: string;
}

const EN = '/enterprises/{enterpriseNumber}';
const QT = `${EN}/qualities/{type}`;

/**
 * The matrix: one row per route of docs/product.md §5 (those not built yet included, so a new route
 * needs no new rule), naming the action each `role` route forwards to and that action's
 * capability (a rendering of the action contracts, checked by a unit test of libs/contracts). The
 * exhaustive permission tests derive every expected status from it, and `npm run docs:matrix`
 * renders it into docs/permissions.md.
 */
export const ROUTE_RULES = [
  { method: 'POST', path: '/auth/login', auth: 'none' },
  { method: 'POST', path: '/auth/login/certificate', auth: 'none' },
  { method: 'POST', path: '/auth/session/role', auth: 'session' },
  { method: 'POST', path: '/auth/logout', auth: 'session' },
  { method: 'GET', path: '/me', auth: 'session', capability: 'self.manage' },
  { method: 'PATCH', path: '/me', auth: 'session', capability: 'self.manage' },
  { method: 'PUT', path: '/me/password', auth: 'session', capability: 'self.manage' },
  { method: 'PUT', path: '/me/certificate', auth: 'session', capability: 'self.manage' },
  { method: 'GET', path: '/me/certificate', auth: 'session', capability: 'self.manage' },
  { method: 'DELETE', path: '/me/certificate', auth: 'session', capability: 'self.manage' },
  { method: 'GET', path: '/authorizations/check', auth: 'session' },
  { method: 'GET', path: '/catalogue', auth: 'none' },

  { method: 'GET', path: EN, auth: 'role', capability: 'enterprise.read', action: 'enterprise.get' },
  { method: 'GET', path: `${EN}/qualities`, auth: 'role', capability: 'enterprise.read', action: 'quality.list' },
  { method: 'GET', path: `${EN}/eligible-qualities`, auth: 'role', capability: 'enterprise.read', action: 'enterprise.eligibleQualities' },
  { method: 'GET', path: `${EN}/mandates`, auth: 'role', capability: 'mandates.read', action: 'enterprise.listMandates' },
  { method: 'GET', path: `${EN}/routing/received`, auth: 'role', capability: 'routing.received', action: 'routing-module.listReceived' },
  { method: 'GET', path: `${EN}/audit`, auth: 'role', capability: 'audit.read', action: 'enterprise.listAudit' },
  { method: 'POST', path: `${EN}/webhooks`, auth: 'role', capability: 'webhooks.manage', action: 'enterprise.createWebhook' },
  { method: 'GET', path: `${EN}/webhooks`, auth: 'role', capability: 'webhooks.manage', action: 'enterprise.listWebhooks' },
  { method: 'DELETE', path: `${EN}/webhooks/{webhookId}`, auth: 'role', capability: 'webhooks.manage', action: 'enterprise.deleteWebhook' },
  { method: 'GET', path: `${EN}/webhooks/{webhookId}/deliveries`, auth: 'role', capability: 'webhooks.manage', action: 'enterprise.listWebhookDeliveries' },
  { method: 'POST', path: `${EN}/qualities`, auth: 'role', capability: 'quality.activate', action: 'quality.activate' },
  { method: 'PUT', path: `${QT}/local-manager`, auth: 'role', capability: 'quality.local-manager.designate', action: 'quality.designateLocalManager' },
  { method: 'GET', path: `${EN}/co-access-managers`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.listCoAccessManagers' },
  { method: 'POST', path: `${EN}/co-access-managers`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.designateCoAccessManager' },
  { method: 'PATCH', path: `${EN}/co-access-managers/{personId}`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.editCoAccessManager' },
  { method: 'DELETE', path: `${EN}/co-access-managers/{personId}`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.removeCoAccessManager' },
  { method: 'POST', path: `${EN}/co-access-managers/{personId}/block`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.setCoAccessManagerStatus' },
  { method: 'POST', path: `${EN}/co-access-managers/{personId}/unblock`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.setCoAccessManagerStatus' },
  { method: 'PUT', path: `${EN}/co-access-managers/{personId}/password`, auth: 'role', capability: 'co-access-managers.manage', action: 'enterprise.resetCoAccessManagerPassword' },
  { method: 'GET', path: `${EN}/users`, auth: 'role', capability: 'users.search.enterprise', action: 'user-management.searchEnterprise' },
  { method: 'GET', path: `${EN}/persons/{niss}`, auth: 'role', capability: 'persons.lookup', action: 'identity.lookupPerson' },
  { method: 'GET', path: `${EN}/batch-channels`, auth: 'role', capability: 'batch-channels.manage', action: 'routing-module.listChannels' },
  { method: 'POST', path: `${EN}/batch-channels`, auth: 'role', capability: 'batch-channels.manage', action: 'routing-module.createChannel' },
  { method: 'DELETE', path: `${EN}/batch-channels/{channelId}`, auth: 'role', capability: 'batch-channels.manage', action: 'routing-module.deleteChannel' },

  { method: 'GET', path: QT, auth: 'role', capability: 'quality.details', action: 'quality.get' },
  { method: 'PATCH', path: QT, auth: 'role', capability: 'quality.details', action: 'quality.update' },
  { method: 'GET', path: `${QT}/users`, auth: 'role', capability: 'users.search.quality', action: 'user-management.searchQuality' },
  { method: 'POST', path: `${QT}/users`, auth: 'role', capability: 'users.manage', action: 'user-management.register' },
  { method: 'GET', path: `${QT}/users/{personId}`, auth: 'role', capability: 'users.search.quality', action: 'user-management.get' },
  { method: 'PATCH', path: `${QT}/users/{personId}`, auth: 'role', capability: 'users.manage', action: 'user-management.update' },
  { method: 'DELETE', path: `${QT}/users/{personId}`, auth: 'role', capability: 'users.manage', action: 'user-management.remove' },
  { method: 'POST', path: `${QT}/users/{personId}/block`, auth: 'role', capability: 'users.manage', action: 'user-management.setStatus' },
  { method: 'POST', path: `${QT}/users/{personId}/unblock`, auth: 'role', capability: 'users.manage', action: 'user-management.setStatus' },
  { method: 'PUT', path: `${QT}/users/{personId}/password`, auth: 'role', capability: 'users.manage', action: 'user-management.resetPassword' },
  { method: 'GET', path: `${QT}/co-local-managers`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.listCoLocalManagers' },
  { method: 'POST', path: `${QT}/co-local-managers`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.designateCoLocalManager' },
  { method: 'GET', path: `${QT}/co-local-managers/{personId}`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.getCoLocalManager' },
  { method: 'PATCH', path: `${QT}/co-local-managers/{personId}`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.editCoLocalManager' },
  { method: 'PUT', path: `${QT}/co-local-managers/{personId}/password`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.resetCoLocalManagerPassword' },
  { method: 'DELETE', path: `${QT}/co-local-managers/{personId}`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.removeCoLocalManager' },
  { method: 'POST', path: `${QT}/co-local-managers/{personId}/block`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.setCoLocalManagerStatus' },
  { method: 'POST', path: `${QT}/co-local-managers/{personId}/unblock`, auth: 'role', capability: 'co-local-managers.manage', action: 'quality.setCoLocalManagerStatus' },
  { method: 'GET', path: `${QT}/scim-tokens`, auth: 'role', capability: 'scim.tokens.manage', action: 'quality.listScimTokens' },
  { method: 'POST', path: `${QT}/scim-tokens`, auth: 'role', capability: 'scim.tokens.manage', action: 'quality.createScimToken' },
  { method: 'DELETE', path: `${QT}/scim-tokens/{tokenId}`, auth: 'role', capability: 'scim.tokens.manage', action: 'quality.revokeScimToken' },
  { method: 'PUT', path: `${QT}/technical-user`, auth: 'role', capability: 'technical-user.designate', action: 'quality.designateTechnicalUser' },
  { method: 'GET', path: `${QT}/routing`, auth: 'role', capability: 'routing.manage', action: 'routing-module.listRules' },
  { method: 'PUT', path: `${QT}/routing/{declarationType}`, auth: 'role', capability: 'routing.manage', action: 'routing-module.setRecipient' },
  { method: 'PUT', path: `${QT}/routing/{declarationType}/channel`, auth: 'role', capability: 'routing.manage', action: 'routing-module.setChannel' },
  { method: 'GET', path: `${QT}/structured-messages`, auth: 'role', capability: 'routing.manage', action: 'structured-messaging.list' },

  { method: 'POST', path: '/admin/enterprises', auth: 'role', capability: 'admin.enterprises.onboard', action: 'enterprise.onboard' },
  { method: 'GET', path: '/admin/enterprises', auth: 'role', capability: 'admin.enterprises.find', action: 'enterprise.search' },
  { method: 'GET', path: '/admin/persons', auth: 'role', capability: 'admin.persons.find', action: 'identity.findPersons' },
  { method: 'POST', path: '/admin/persons/{personId}/unlock', auth: 'role', capability: 'admin.persons.unlock', action: 'enterprise.adminUnlockPerson' },
  { method: 'PUT', path: '/admin/persons/{personId}/password', auth: 'role', capability: 'admin.persons.reset-password', action: 'enterprise.adminResetPassword' },
  { method: 'PUT', path: `/admin${EN}/access-manager`, auth: 'role', capability: 'admin.access-manager.replace', action: 'enterprise.replaceAccessManager' },
  { method: 'POST', path: `/admin${EN}/mandates`, auth: 'role', capability: 'admin.mandates.register', action: 'enterprise.registerMandate' },
  { method: 'GET', path: '/admin/persons/{personId}/audit', auth: 'role', capability: 'admin.persons.audit', action: 'identity.listPersonAudit' },
  { method: 'PATCH', path: `/admin${QT}`, auth: 'role', capability: 'admin.qualities.registry', action: 'quality.updateRegistryIdentifiers' },
  { method: 'PATCH', path: `/admin${EN}/mandates/{mandateId}`, auth: 'role', capability: 'admin.mandates.end', action: 'enterprise.endMandate' },
  { method: 'DELETE', path: `/admin${EN}/mandates/{mandateId}`, auth: 'role', capability: 'admin.mandates.end', action: 'enterprise.revokeMandate' },
] as const satisfies readonly RouteRule[];

/**
 * The SCIM 2.0 routes (outside /api/v1, paths under /scim/v2): a quality's SCIM token is their only
 * credential, and it acts as a `scim-client` role on exactly its enterprise and quality. Discovery
 * (ServiceProviderConfig, ResourceTypes, Schemas) needs the token and no capability.
 */
export const SCIM_ROUTE_RULES = [
  { method: 'POST', path: `/{enterpriseNumber}/{type}/Users`, capability: 'scim.provision', action: 'user-management.scimCreate' },
  { method: 'GET', path: `/{enterpriseNumber}/{type}/Users`, capability: 'scim.provision', action: 'user-management.scimList' },
  { method: 'GET', path: `/{enterpriseNumber}/{type}/Users/{id}`, capability: 'scim.provision', action: 'user-management.scimGet' },
  { method: 'PATCH', path: `/{enterpriseNumber}/{type}/Users/{id}`, capability: 'scim.provision', action: 'user-management.scimPatch' },
  { method: 'DELETE', path: `/{enterpriseNumber}/{type}/Users/{id}`, capability: 'scim.provision', action: 'user-management.scimRemove' },
] as const satisfies ReadonlyArray<{ method: RouteRule['method']; path: string; capability: CapabilityName; action: string }>;

export type RouteKey = `${(typeof ROUTE_RULES)[number]['method']} ${(typeof ROUTE_RULES)[number]['path']}`;

/** `GET /enterprises/{x}/users` and `GET /enterprises/{enterpriseNumber}/users` are the same route. */
export function routeShape(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]*\}|:[A-Za-z]+/g, '{}')}`;
}

/** The rule of a route, whatever its parameters are named; undefined when the matrix lacks it. */
export function routeRule(method: string, path: string): RouteRule | undefined {
  const shape = routeShape(method, path);
  return (ROUTE_RULES as readonly RouteRule[]).find((r) => routeShape(r.method, r.path) === shape);
}
