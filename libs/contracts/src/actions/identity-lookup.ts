/** identity: internal look-ups for other services (structured messaging authenticates a sender by username). */
import { z } from 'zod';
import { ObjectId } from '../fields.js';
import { AdminPersonList, PersonLookupParams, PersonNames, PersonSearchQuery } from '../schemas/management.js';
import { GrantRolesParams, GrantRolesResult, ImportLookupParams, ImportLookupResult, RegisterPersonsParams, RegisterPersonsResult } from '../schemas/imports.js';
import { Void } from './types.js';
import type { ActionContract } from './types.js';

export const IdentityLookupActions = {
  'identity.findPersons': { params: PersonSearchQuery, result: AdminPersonList, idempotent: true, capability: 'admin.persons.find' },
  /** Internal: forgets the login failures of the person's account (the contact centre's unlock). */
  'identity.unlockPerson': { params: z.strictObject({ personId: ObjectId }), result: Void, idempotent: true },
  'identity.lookupPerson': { params: PersonLookupParams, result: PersonNames, idempotent: true, capability: 'persons.lookup' },
  /** Internal: the person and account status behind a username; null when no account has it. */
  'identity.findAccount': {
    params: z.strictObject({ username: z.string().min(1).max(64) }),
    result: z.object({ personId: z.string(), status: z.enum(['active', 'blocked', 'deleted']) }).nullable(),
    idempotent: true,
  },
  /** Internal (bulk import): the persons a chunk's NISS name, with their roles, and which of its usernames are taken. */
  'identity.lookupForImport': { params: ImportLookupParams, result: ImportLookupResult, idempotent: true },
  /** Internal (bulk import): `identity.registerPerson` and `identity.grantRole` for a chunk at once (one insert each). */
  'identity.registerPersons': { params: RegisterPersonsParams, result: RegisterPersonsResult, idempotent: false },
  'identity.grantRoles': { params: GrantRolesParams, result: GrantRolesResult, idempotent: false },
} as const satisfies Record<string, ActionContract>;
