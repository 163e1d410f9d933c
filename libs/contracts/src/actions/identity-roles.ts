/**
 * identity's role and person primitives for the administration use-cases of the enterprise and
 * quality services. Internal: not exposed by the gateway; the calling use-case checks permissions.
 */
import { z } from 'zod';
import {
  FindRolesParams,
  GetPersonsParams,
  PersonSummary,
  RoleRecord,
  SetPasswordParams,
  SetRoleStatusParams,
  SetRoleWindowParams,
  UpdatePersonParams,
} from '../schemas/management.js';
import { Void, type ActionContract } from './types.js';

export const IdentityRoleActions = {
  'identity.findRoles': { params: FindRolesParams, result: z.array(RoleRecord), idempotent: true },
  'identity.setRoleStatus': { params: SetRoleStatusParams, result: RoleRecord, idempotent: true },
  'identity.setRoleWindow': { params: SetRoleWindowParams, result: RoleRecord, idempotent: true },
  'identity.getPersons': { params: GetPersonsParams, result: z.array(PersonSummary), idempotent: true },
  'identity.updatePerson': { params: UpdatePersonParams, result: PersonSummary, idempotent: true },
  'identity.setPassword': { params: SetPasswordParams, result: Void, idempotent: false },
} as const satisfies Record<string, ActionContract>;
