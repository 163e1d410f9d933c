/** quality: activated qualities, their data, local managers, co-local-managers, technical user. */
import { z } from 'zod';
import { EnterpriseNumberParams, HealthResult } from '../schemas.js';
import {
  ActivateQualityBody,
  ActivateQualityResult,
  DesignateResult,
  ManagerList,
  ManagerView,
  PasswordResetBody,
  DesignationBody,
  DesignationEditBody,
  QualityList,
  QualityParams,
  QualityPersonParams,
  QualityState,
  QualityView,
  RegistryIdentifiersBody,
  TechnicalUserBody,
  UpdateQualityBody,
} from '../schemas/management.js';
import { EnterpriseNumber, PersonInput } from '../fields.js';
import { CreateScimTokenBody, CreateScimTokenResult, ScimTokenIdentity, ScimTokenList, ScimTokenParams } from '../schemas/scim.js';
import { NoParams, Void, type ActionContract } from './types.js';

export const QualityActions = {
  'quality.health': { params: NoParams, result: HealthResult, idempotent: true },
  'quality.list': { params: EnterpriseNumberParams, result: QualityList, idempotent: true, capability: 'enterprise.read' },
  'quality.activate': {
    params: z.strictObject({ enterpriseNumber: EnterpriseNumber, body: ActivateQualityBody }),
    result: ActivateQualityResult,
    idempotent: false,
    capability: 'quality.activate',
  },
  'quality.get': { params: QualityParams, result: QualityView, idempotent: true, capability: 'quality.details' },
  'quality.update': { params: QualityParams.extend({ changes: UpdateQualityBody }), result: QualityView, idempotent: true, capability: 'quality.details' },
  'quality.updateRegistryIdentifiers': { params: QualityParams.extend({ changes: RegistryIdentifiersBody }), result: QualityView, idempotent: true, capability: 'admin.qualities.registry' },
  'quality.designateLocalManager': { params: QualityParams.extend({ person: PersonInput }), result: DesignateResult, idempotent: false, capability: 'quality.local-manager.designate' },
  'quality.listCoLocalManagers': { params: QualityParams, result: ManagerList, idempotent: true, capability: 'co-local-managers.manage' },
  'quality.designateCoLocalManager': { params: QualityParams.extend({ person: DesignationBody }), result: DesignateResult, idempotent: false, capability: 'co-local-managers.manage' },
  'quality.setCoLocalManagerStatus': {
    params: QualityPersonParams.extend({ status: z.enum(['active', 'blocked']) }),
    result: ManagerView,
    idempotent: true,
    capability: 'co-local-managers.manage',
    notOnSelf: true,
  },
  'quality.removeCoLocalManager': { params: QualityPersonParams, result: Void, idempotent: true, capability: 'co-local-managers.manage', notOnSelf: true },
  'quality.getCoLocalManager': { params: QualityPersonParams, result: ManagerView, idempotent: true, capability: 'co-local-managers.manage' },
  'quality.editCoLocalManager': { params: QualityPersonParams.extend({ changes: DesignationEditBody }), result: ManagerView, idempotent: true, capability: 'co-local-managers.manage' },
  'quality.resetCoLocalManagerPassword': { params: QualityPersonParams.extend({ body: PasswordResetBody }), result: Void, idempotent: false, capability: 'co-local-managers.manage', notOnSelf: true },
  'quality.designateTechnicalUser': { params: QualityParams.extend({ body: TechnicalUserBody }), result: DesignateResult, idempotent: false, capability: 'technical-user.designate' },
  'quality.createScimToken': { params: QualityParams.extend({ body: CreateScimTokenBody }), result: CreateScimTokenResult, idempotent: false, capability: 'scim.tokens.manage' },
  'quality.listScimTokens': { params: QualityParams, result: ScimTokenList, idempotent: true, capability: 'scim.tokens.manage' },
  'quality.revokeScimToken': { params: ScimTokenParams, result: Void, idempotent: true, capability: 'scim.tokens.manage' },
  /** Internal (the gateway's /scim/v2 routes): who a SCIM bearer token is; 401 UNAUTHENTICATED for an unknown or revoked one. */
  'quality.authenticateScimToken': { params: z.strictObject({ token: z.string().max(200) }), result: ScimTokenIdentity, idempotent: true },
  /** Internal: is the quality active, and who is its technical user (structured messaging). */
  'quality.state': { params: QualityParams, result: QualityState, idempotent: true },
} as const satisfies Record<string, ActionContract>;
