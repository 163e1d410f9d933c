/**
 * The console's API client: one function per route of the HTTP contract it uses, typed with the
 * zod-inferred types of libs/contracts (types only: nothing of zod reaches the browser). Every call
 * sends the chosen language in Accept-Language, so problems come back in words the person reads.
 */
import type {
  AuditRecord,
  BatchChannelView,
  CertificateView,
  EnterpriseView,
  ImportJobView,
  Mandate,
  ManagerView,
  MeView,
  PersonAuditRecord,
  QualityView,
  RoleView,
  RoutingRuleView,
  StructuredMessageView,
  UserView,
  WebhookDeliveryView,
  WebhookView,
} from '@um/contracts';

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** An RFC 9457 problem as the gateway answers it; `status` 0 when the network itself failed. */
export interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
}

export type Result<T> = { ok: true; data: T } | { ok: false; problem: Problem };

/** Roles as the login and role-choice answers give them (`enterpriseName` when the API has it). */
export type Role = RoleView & { enterpriseName?: string };
export interface LoginAnswer {
  token: string;
  roles: Role[];
  passwordChangeRequired?: boolean;
}
export interface SessionAnswer {
  token: string;
  role: Role;
  capabilities: string[];
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
export interface CatalogueItem {
  code: string;
  labels: Partial<Record<'fr' | 'nl' | 'de' | 'en', string>>;
  applications?: string[];
}
export interface Catalogue {
  qualities: CatalogueItem[];
  applications: CatalogueItem[];
  declarationTypes: CatalogueItem[];
  roleKinds: CatalogueItem[];
}
export type QualitySummary = Omit<QualityView, 'localManager' | 'technicalUser'>;
export interface PersonLookup {
  niss: string;
  firstName: string;
  lastName: string;
  title?: string;
}
export interface AdminPerson {
  personId: string;
  username?: string;
  firstName: string;
  lastName: string;
  niss?: string;
  accountStatus?: string;
}
/** A manager's edit of a person's names, title and language (PATCH of a co-RAE or co-GL). */
export interface PersonEdit {
  firstName?: string;
  lastName?: string;
  title?: string | null;
  language?: string;
}
/** An application granted for a window only (time-bound access), or open-ended by its code alone. */
export type ApplicationGrant = string | { code: string; validFrom?: string; validUntil?: string };
/** A manager's change of a user: applications (the whole list), language, the membership's window (null clears a bound). */
export interface UserPatch {
  applications?: ApplicationGrant[];
  language?: string;
  validFrom?: string | null;
  validUntil?: string | null;
}
/** A quality's SCIM token as listed (never its secret). */
export interface ScimTokenView {
  tokenId: string;
  label?: string;
  createdAt: string;
  createdBy: string;
}
export interface PersonBody {
  niss: string;
  firstName: string;
  lastName: string;
  title?: string;
  language: string;
  email?: string;
  username?: string;
  password?: string;
}

let token: string | undefined;
let language = 'fr';
let onUnauthorized: (() => void) | undefined;

export function setToken(value: string | undefined): void {
  token = value;
}
export function setApiLanguage(value: string): void {
  language = value;
}
/** Called when a signed-in call answers 401: the session ended (logout elsewhere, password changed, expiry). */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

/** A body sent as is: text, or a file's bytes (a Blob). Anything else is sent as JSON. */
async function request<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Result<T>> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': language };
  const sentToken = token;
  if (sentToken) headers.authorization = `Bearer ${sentToken}`;
  let payload: string | Blob | undefined;
  if (body !== undefined) {
    headers['content-type'] = contentType;
    payload = typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, { method, headers, body: payload });
  } catch {
    return { ok: false, problem: { status: 0, code: 'NETWORK', title: '' } };
  }
  if (response.status === 204) return { ok: true, data: undefined as T };
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (response.ok) return { ok: true, data: json as T };
  // Only a call that carried the session's token says that the session ended.
  if (response.status === 401 && sentToken && sentToken === token && !path.startsWith('/auth/login')) onUnauthorized?.();
  const p = (json ?? {}) as Partial<Problem>;
  return {
    ok: false,
    problem: { status: response.status, code: p.code ?? 'HTTP_' + response.status, title: p.title ?? response.statusText, detail: p.detail, errors: p.errors },
  };
}

const q = (params: Record<string, string | number | undefined>): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const en = (n: string) => `/enterprises/${encodeURIComponent(n)}`;
const qt = (n: string, type: string) => `${en(n)}/qualities/${encodeURIComponent(type)}`;
const id = encodeURIComponent;

export const api = {
  catalogue: () => request<Catalogue>('GET', '/catalogue'),
  login: (username: string, password: string) => request<LoginAnswer>('POST', '/auth/login', { username, password }),
  chooseRole: (roleId: string) => request<SessionAnswer>('POST', '/auth/session/role', { roleId }),
  logout: () => request<void>('POST', '/auth/logout'),

  me: () => request<MeView & { passwordChangeRequired?: boolean }>('GET', '/me'),
  updateMe: (body: { language?: string; emails?: string[] }) => request<MeView>('PATCH', '/me', body),
  changePassword: (currentPassword: string, newPassword: string) => request<void>('PUT', '/me/password', { currentPassword, newPassword }),
  certificate: () => request<CertificateView>('GET', '/me/certificate'),
  setCertificate: (pem: string) => request<CertificateView>('PUT', '/me/certificate', pem, 'application/x-pem-file'),
  deleteCertificate: () => request<void>('DELETE', '/me/certificate'),

  enterprise: (n: string) => request<EnterpriseView>('GET', en(n)),
  qualities: (n: string) => request<{ items: QualitySummary[] }>('GET', `${en(n)}/qualities`),
  eligibleQualities: (n: string) => request<{ items: Array<{ type: string; active: boolean; applications: string[] }> }>('GET', `${en(n)}/eligible-qualities`),
  activateQuality: (n: string, body: { type: string; data: Record<string, string>; localManager: PersonBody }) => request<{ personId: string }>('POST', `${en(n)}/qualities`, body),
  lookupPerson: (n: string, niss: string) => request<PersonLookup>('GET', `${en(n)}/persons/${id(niss)}`),

  coAccessManagers: (n: string) => request<{ items: ManagerView[] }>('GET', `${en(n)}/co-access-managers`),
  addCoAccessManager: (n: string, body: PersonBody) => request<{ personId: string }>('POST', `${en(n)}/co-access-managers`, body),
  coAccessManagerAction: (n: string, personId: string, action: 'block' | 'unblock') => request<void>('POST', `${en(n)}/co-access-managers/${id(personId)}/${action}`),
  deleteCoAccessManager: (n: string, personId: string) => request<void>('DELETE', `${en(n)}/co-access-managers/${id(personId)}`),
  resetCoAccessManagerPassword: (n: string, personId: string, password: string) => request<void>('PUT', `${en(n)}/co-access-managers/${id(personId)}/password`, { password }),
  editCoAccessManager: (n: string, personId: string, body: PersonEdit) => request<ManagerView>('PATCH', `${en(n)}/co-access-managers/${id(personId)}`, body),

  searchEnterpriseUsers: (n: string, criteria: Record<string, string | number | undefined>) => request<Page<UserView>>('GET', `${en(n)}/users${q(criteria)}`),
  searchQualityUsers: (n: string, type: string, criteria: Record<string, string | number | undefined>) => request<Page<UserView>>('GET', `${qt(n, type)}/users${q(criteria)}`),
  registerUser: (n: string, type: string, body: PersonBody & { applications: string[]; companyEmail?: string }) => request<{ personId: string; created: boolean }>('POST', `${qt(n, type)}/users`, body),
  user: (n: string, type: string, personId: string) => request<UserView>('GET', `${qt(n, type)}/users/${id(personId)}`),
  updateUser: (n: string, type: string, personId: string, body: UserPatch) => request<UserView>('PATCH', `${qt(n, type)}/users/${id(personId)}`, body),
  userAction: (n: string, type: string, personId: string, action: 'block' | 'unblock') => request<void>('POST', `${qt(n, type)}/users/${id(personId)}/${action}`),
  deleteUser: (n: string, type: string, personId: string) => request<void>('DELETE', `${qt(n, type)}/users/${id(personId)}`),
  resetUserPassword: (n: string, type: string, personId: string, password: string) => request<void>('PUT', `${qt(n, type)}/users/${id(personId)}/password`, { password }),

  /** A file of users (CSV, its bytes as chosen): `dryRun` checks every row and writes nothing. */
  importUsers: (n: string, type: string, file: Blob, dryRun: boolean) => request<ImportJobView>('POST', `${qt(n, type)}/users/import${q({ dryRun: String(dryRun) })}`, file, 'text/csv'),
  importJob: (n: string, type: string, importId: string, page = 1, pageSize = 100) => request<ImportJobView>('GET', `${qt(n, type)}/users/imports/${id(importId)}${q({ page, pageSize })}`),

  scimTokens: (n: string, type: string) => request<{ items: ScimTokenView[] }>('GET', `${qt(n, type)}/scim-tokens`),
  createScimToken: (n: string, type: string, label?: string) => request<{ tokenId: string; token: string }>('POST', `${qt(n, type)}/scim-tokens`, label ? { label } : {}),
  revokeScimToken: (n: string, type: string, tokenId: string) => request<void>('DELETE', `${qt(n, type)}/scim-tokens/${id(tokenId)}`),

  coLocalManagers: (n: string, type: string) => request<{ items: ManagerView[] }>('GET', `${qt(n, type)}/co-local-managers`),
  addCoLocalManager: (n: string, type: string, body: PersonBody) => request<{ personId: string }>('POST', `${qt(n, type)}/co-local-managers`, body),
  coLocalManagerAction: (n: string, type: string, personId: string, action: 'block' | 'unblock') => request<void>('POST', `${qt(n, type)}/co-local-managers/${id(personId)}/${action}`),
  deleteCoLocalManager: (n: string, type: string, personId: string) => request<void>('DELETE', `${qt(n, type)}/co-local-managers/${id(personId)}`),
  resetCoLocalManagerPassword: (n: string, type: string, personId: string, password: string) => request<void>('PUT', `${qt(n, type)}/co-local-managers/${id(personId)}/password`, { password }),
  editCoLocalManager: (n: string, type: string, personId: string, body: PersonEdit) => request<ManagerView>('PATCH', `${qt(n, type)}/co-local-managers/${id(personId)}`, body),

  quality: (n: string, type: string) => request<QualityView>('GET', qt(n, type)),
  updateQuality: (n: string, type: string, body: { contactEmail?: string | null }) => request<QualityView>('PATCH', qt(n, type), body),
  designateLocalManager: (n: string, type: string, body: PersonBody) => request<{ personId: string }>('PUT', `${qt(n, type)}/local-manager`, body),
  designateTechnicalUser: (n: string, type: string, body: PersonBody) => request<{ personId: string }>('PUT', `${qt(n, type)}/technical-user`, body),

  routing: (n: string, type: string) => request<{ items: RoutingRuleView[] }>('GET', `${qt(n, type)}/routing`),
  setRecipient: (n: string, type: string, declarationType: string, recipient: string) => request<RoutingRuleView>('PUT', `${qt(n, type)}/routing/${id(declarationType)}`, { recipient }),
  setChannel: (n: string, type: string, declarationType: string, channel: string) => request<RoutingRuleView>('PUT', `${qt(n, type)}/routing/${id(declarationType)}/channel`, { channel }),
  receivedRouting: (n: string) => request<{ items: Array<RoutingRuleView & { enterpriseNumber: string; quality: string }> }>('GET', `${en(n)}/routing/received`),
  mandates: (n: string, direction?: 'given' | 'received') => request<{ items: Mandate[] }>('GET', `${en(n)}/mandates${q({ direction })}`),
  batchChannels: (n: string) => request<{ items: BatchChannelView[] }>('GET', `${en(n)}/batch-channels`),
  addBatchChannel: (n: string, body: { type: string; name: string; parameters: Record<string, string | number> }) => request<{ channelId: string }>('POST', `${en(n)}/batch-channels`, body),
  deleteBatchChannel: (n: string, channelId: string) => request<void>('DELETE', `${en(n)}/batch-channels/${id(channelId)}`),
  messages: (n: string, type: string, status?: string, page = 1) => request<Page<StructuredMessageView>>('GET', `${qt(n, type)}/structured-messages${q({ status, page })}`),
  webhooks: (n: string) => request<{ items: WebhookView[] }>('GET', `${en(n)}/webhooks`),
  createWebhook: (n: string, body: { url: string; kinds?: string[] }) => request<WebhookView & { secret: string }>('POST', `${en(n)}/webhooks`, body),
  deleteWebhook: (n: string, webhookId: string) => request<void>('DELETE', `${en(n)}/webhooks/${id(webhookId)}`),
  webhookDeliveries: (n: string, webhookId: string, page = 1) => request<Page<WebhookDeliveryView>>('GET', `${en(n)}/webhooks/${id(webhookId)}/deliveries${q({ page })}`),
  audit: (n: string, page = 1) => request<Page<AuditRecord>>('GET', `${en(n)}/audit${q({ page })}`),

  onboard: (body: { enterpriseNumber: string; name: string; legalForm?: string; eligibleQualities: string[]; accessManager: PersonBody }) => request<{ enterpriseNumber: string }>('POST', '/admin/enterprises', body),
  replaceAccessManager: (n: string, body: PersonBody) => request<{ personId: string }>('PUT', `/admin${en(n)}/access-manager`, body),
  registerMandate: (n: string, body: { mandataryEnterpriseNumber: string; declarationTypes: string[]; validFrom: string; validTo?: string }) => request<{ mandateId: string }>('POST', `/admin${en(n)}/mandates`, body),
  findEnterprises: (query: string) => request<{ items: Array<{ enterpriseNumber: string; name: string }> }>('GET', `/admin/enterprises${q({ q: query })}`),
  findPersons: (criteria: { niss?: string; username?: string }) => request<{ items: AdminPerson[] }>('GET', `/admin/persons${q(criteria)}`),
  unlockPerson: (personId: string) => request<void>('POST', `/admin/persons/${id(personId)}/unlock`),
  resetPersonPassword: (personId: string, password: string) => request<void>('PUT', `/admin/persons/${id(personId)}/password`, { password }),
  personAudit: (personId: string, page = 1) => request<Page<PersonAuditRecord>>('GET', `/admin/persons/${id(personId)}/audit${q({ page })}`),
  endMandate: (n: string, mandateId: string, validTo: string) => request<Mandate>('PATCH', `/admin${en(n)}/mandates/${id(mandateId)}`, { validTo }),
  revokeMandate: (n: string, mandateId: string) => request<void>('DELETE', `/admin${en(n)}/mandates/${id(mandateId)}`),
};
