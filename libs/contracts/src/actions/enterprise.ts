/** enterprise: enterprises (onboarding, details), the RAE and co-RAEs, mandates, the audit trail. */
import { z } from 'zod';
import { EnterpriseNumberParams, EnterpriseView, HealthResult, OnboardEnterpriseBody, OnboardEnterpriseResult } from '../schemas.js';
import {
  AuditPage,
  DesignateResult,
  EligibleQualities,
  EnterpriseSearchQuery,
  EnterpriseSearchResult,
  ManagerList,
  ManagerView,
  Mandate,
  MandateBody,
  MandateEndBody,
  MandateParams,
  MandateQuery,
  PageQuery,
  PasswordResetBody,
  DesignationBody,
  DesignationEditBody,
  PersonRefParams,
  RecordAuditParams,
  RecordAuditsParams,
  ReplaceAccessManagerParams,
} from '../schemas/management.js';
import { EnterpriseNumber, ObjectId, QualityTypeCode } from '../fields.js';
import { WebhookBody, WebhookCreated, WebhookDeliveryPage, WebhookList, WebhookParams } from '../schemas/events.js';
import { NoParams, Void, type ActionContract } from './types.js';

export const EnterpriseActions = {
  'enterprise.health': { params: NoParams, result: HealthResult, idempotent: true },
  'enterprise.onboard': { params: OnboardEnterpriseBody, result: OnboardEnterpriseResult, idempotent: false, capability: 'admin.enterprises.onboard' },
  'enterprise.get': { params: EnterpriseNumberParams, result: EnterpriseView, idempotent: true, capability: 'enterprise.read' },
  'enterprise.eligibleQualities': { params: EnterpriseNumberParams, result: EligibleQualities, idempotent: true, capability: 'enterprise.read' },
  'enterprise.replaceAccessManager': { params: ReplaceAccessManagerParams, result: DesignateResult, idempotent: false, capability: 'admin.access-manager.replace' },
  'enterprise.registerMandate': {
    params: z.strictObject({ enterpriseNumber: EnterpriseNumber, mandate: MandateBody }),
    result: Mandate,
    idempotent: false,
    capability: 'admin.mandates.register',
  },
  'enterprise.listMandates': { params: EnterpriseNumberParams.extend(MandateQuery.shape), result: z.object({ items: z.array(Mandate) }), idempotent: true, capability: 'mandates.read' },
  'enterprise.endMandate': { params: MandateParams.extend({ body: MandateEndBody }), result: Mandate, idempotent: true, capability: 'admin.mandates.end' },
  'enterprise.revokeMandate': { params: MandateParams, result: Void, idempotent: true, capability: 'admin.mandates.end' },
  /** Internal: mandates held by a mandatary for an enterprise (routing). */
  'enterprise.findMandates': {
    params: z.strictObject({ enterpriseNumber: EnterpriseNumber, mandataryEnterpriseNumber: EnterpriseNumber.optional() }),
    result: z.array(Mandate),
    idempotent: true,
  },
  'enterprise.search': { params: EnterpriseSearchQuery, result: EnterpriseSearchResult, idempotent: true, capability: 'admin.enterprises.find' },
  'enterprise.adminUnlockPerson': { params: z.strictObject({ personId: ObjectId }), result: Void, idempotent: true, capability: 'admin.persons.unlock' },
  'enterprise.adminResetPassword': { params: z.strictObject({ personId: ObjectId, body: PasswordResetBody }), result: Void, idempotent: false, capability: 'admin.persons.reset-password' },
  /** Internal: the names of these enterprises (those not known are left out), for role lists. */
  'enterprise.names': {
    params: z.strictObject({ enterpriseNumbers: z.array(z.string().max(20)).max(1000) }),
    result: z.record(z.string(), z.string()),
    idempotent: true,
  },
  /** Internal: whether an enterprise exists and what it may activate (quality service). */
  'enterprise.eligibility': {
    params: EnterpriseNumberParams,
    result: z.object({ exists: z.boolean(), eligibleQualities: z.array(QualityTypeCode) }),
    idempotent: true,
  },

  'enterprise.listCoAccessManagers': { params: EnterpriseNumberParams, result: ManagerList, idempotent: true, capability: 'co-access-managers.manage' },
  'enterprise.designateCoAccessManager': {
    params: DesignationBody.extend({ enterpriseNumber: EnterpriseNumber }),
    result: DesignateResult,
    idempotent: false,
    capability: 'co-access-managers.manage',
  },
  'enterprise.editCoAccessManager': { params: PersonRefParams.extend({ changes: DesignationEditBody }), result: ManagerView, idempotent: true, capability: 'co-access-managers.manage' },
  'enterprise.setCoAccessManagerStatus': {
    params: PersonRefParams.extend({ status: z.enum(['active', 'blocked']) }),
    result: ManagerView,
    idempotent: true,
    capability: 'co-access-managers.manage',
    notOnSelf: true,
  },
  'enterprise.removeCoAccessManager': { params: PersonRefParams, result: Void, idempotent: true, capability: 'co-access-managers.manage', notOnSelf: true },
  'enterprise.resetCoAccessManagerPassword': { params: PersonRefParams.extend({ body: PasswordResetBody }), result: Void, idempotent: false, capability: 'co-access-managers.manage', notOnSelf: true },

  /** Internal: every change of the enterprise's managers, qualities and users is recorded here. */
  'enterprise.recordAudit': { params: RecordAuditParams, result: Void, idempotent: false },
  /** Internal: `enterprise.recordAudit` for many records at once (bulk import: one store write per call). */
  'enterprise.recordAudits': { params: RecordAuditsParams, result: Void, idempotent: false },
  'enterprise.listAudit': { params: PageQuery.extend({ enterpriseNumber: EnterpriseNumber }), result: AuditPage, idempotent: true, capability: 'audit.read' },

  'enterprise.createWebhook': { params: z.strictObject({ enterpriseNumber: EnterpriseNumber, body: WebhookBody }), result: WebhookCreated, idempotent: false, capability: 'webhooks.manage' },
  'enterprise.listWebhooks': { params: EnterpriseNumberParams, result: WebhookList, idempotent: true, capability: 'webhooks.manage' },
  'enterprise.deleteWebhook': { params: WebhookParams, result: Void, idempotent: true, capability: 'webhooks.manage' },
  'enterprise.listWebhookDeliveries': { params: WebhookParams.extend(PageQuery.shape), result: WebhookDeliveryPage, idempotent: true, capability: 'webhooks.manage' },
} as const satisfies Record<string, ActionContract>;
