/**
 * identity enforces the person/membership line itself (PRODUCT.md §7.1): whichever service asks,
 * a change of person-level data made on a manager's behalf is checked against every role the
 * person holds, read from identity's own roles. The gateway forwards the caller as
 * `ctx.meta.principal` through every hop, so a manager's request always arrives with it; a call
 * without a principal comes from the system itself (start-up, tests on the service bus), never
 * from an HTTP caller.
 */
import { Types } from 'mongoose';
import type { Context } from 'moleculer';
import { canChangePerson } from '@um/domain';
import type { CallMeta } from '@um/contracts';
import { ClientProblem } from '@um/platform';
import type { IdentityContext } from './context.js';

export async function ensureMayChangePerson(ic: IdentityContext, ctx: Context<unknown, CallMeta>, personId: string): Promise<void> {
  const principal = ctx.meta.principal;
  if (!principal) return;
  if (!principal.role) throw new ClientProblem('FORBIDDEN', 'a manager role is needed to change another person');
  const roles = await ic.models.Role.find({ personId: new Types.ObjectId(personId) }, { kind: 1, enterpriseNumber: 1, quality: 1 }).lean();
  if (!canChangePerson(principal.role, roles)) {
    throw new ClientProblem('PERSON_OUTSIDE_SCOPE', 'this person holds roles outside your scope: only their membership here may be changed');
  }
}
