/** identity: persons, accounts, roles, sessions, certificates. */
import { z } from 'zod';
import {
  ChooseRoleBody,
  ChooseRoleResult,
  GrantRoleParams,
  GrantRoleResult,
  HealthResult,
  LoginBody,
  LoginResult,
  PersonContact,
  PersonIdParams,
  RegisterPersonParams,
  RegisterPersonResult,
} from '../schemas.js';
import {
  AuthenticatedSession,
  CertificateBytes,
  CertificateLoginParams,
  CertificateVia,
  CertificateView,
  ChangePasswordBody,
  OwnIdentity,
  PersonAuditPage,
  PersonAuditQuery,
  AcknowledgeSharedAudit,
  SharedPersonAuditBatch,
  SharedPersonAuditQuery,
  SetAccountStatusParams,
  SetCertificateParams,
  UpdateMeBody,
} from '../schemas/identity.js';
import { NoParams, Void, type ActionContract } from './types.js';

export const IdentityActions = {
  'identity.health': { params: NoParams, result: HealthResult, idempotent: true },
  'identity.login': {
    // `certificate`: what the connection presented, if anything (the personal certificate as a second factor).
    params: LoginBody.extend({ sourceIp: z.string().max(64), certificate: CertificateBytes.optional(), via: CertificateVia.optional() }),
    result: LoginResult,
    idempotent: false,
  },
  'identity.authenticate': { params: z.strictObject({ token: z.string().max(200) }), result: AuthenticatedSession, idempotent: true },
  'identity.chooseRole': { params: ChooseRoleBody, result: ChooseRoleResult, idempotent: false },
  'identity.logout': { params: NoParams, result: Void, idempotent: true },
  'identity.registerPerson': { params: RegisterPersonParams, result: RegisterPersonResult, idempotent: false },
  'identity.discardPerson': { params: PersonIdParams, result: Void, idempotent: true },
  'identity.grantRole': { params: GrantRoleParams, result: GrantRoleResult, idempotent: false },
  'identity.revokeRole': { params: z.strictObject({ roleId: z.string() }), result: Void, idempotent: true },
  'identity.getContact': { params: PersonIdParams, result: PersonContact, idempotent: true },
  // Certificate login: the gateway forwards what TLS (or a trusted terminator) gave it.
  'identity.loginWithCertificate': { params: CertificateLoginParams, result: LoginResult, idempotent: false },
  // Self-service of the calling person (any session, no role needed).
  'identity.getMe': { params: NoParams, result: OwnIdentity, idempotent: true },
  'identity.updateMe': { params: UpdateMeBody, result: OwnIdentity, idempotent: true },
  'identity.changePassword': { params: ChangePasswordBody, result: Void, idempotent: false },
  'identity.setCertificate': { params: SetCertificateParams, result: CertificateView, idempotent: true },
  'identity.getCertificate': { params: NoParams, result: CertificateView, idempotent: true },
  'identity.deleteCertificate': { params: NoParams, result: Void, idempotent: true },
  /** A person's audit trail, newest first (contact centre: GET /admin/persons/{personId}/audit). */
  'identity.listPersonAudit': { params: PersonAuditQuery, result: PersonAuditPage, idempotent: true, capability: 'admin.persons.audit' },
  /**
   * Internal (enterprise): the self-service records not yet acknowledged as copied into the
   * enterprises' trails, oldest first; then their acknowledgement once copied.
   */
  'identity.pendingSharedAudit': { params: SharedPersonAuditQuery, result: SharedPersonAuditBatch, idempotent: true },
  'identity.acknowledgeSharedAudit': { params: AcknowledgeSharedAudit, result: Void, idempotent: true },
  // Internal: blocking or deleting an account ends every session of the person at once.
  'identity.setAccountStatus': { params: SetAccountStatusParams, result: Void, idempotent: true },
} as const satisfies Record<string, ActionContract>;
