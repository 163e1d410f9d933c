/**
 * Account lifecycle (internal: the use-case that calls it has checked its caller's rights). A
 * blocked or deleted account ends every session of the person at once; `identity.authenticate`
 * also checks the status on every request, so the next request answers 401 either way.
 */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { ClientProblem, defineAction, emitEvent, notFound } from '@um/platform';
import { auditPerson } from '../audit.js';
import type { IdentityContext } from '../context.js';
import { ensureMayChangePerson } from '../person-scope.js';
import { sessionsChanged } from './sessions.js';

export function accountActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.setAccountStatus', async ({ personId, status }, ctx) => {
      const id = new Types.ObjectId(personId);
      const person = await ic.models.Person.findOne({ _id: id, account: { $exists: true } }, { account: 1 }).lean();
      const before = person?.account?.status;
      if (!before) throw notFound('account');
      await ensureMayChangePerson(ic, ctx, personId);
      if (before === 'deleted' && status !== 'deleted') throw new ClientProblem('CONFLICT', 'a deleted account cannot be restored');
      const now = new Date();
      await ic.models.Person.updateOne(
        { _id: id },
        // A deleted account frees its certificate; its username stays reserved.
        { $set: { 'account.status': status }, ...(status === 'deleted' ? { $unset: { certificate: 1 } } : {}) },
      );
      await ic.persons.changed(ctx, [personId]);
      if (status !== 'active') {
        await ic.models.Session.updateMany({ personId: id, endedAt: { $exists: false } }, { $set: { endedAt: now } });
        await sessionsChanged(ic, ctx, { personId });
      }
      if (before !== status) {
        ic.logger.info({ personId, before, status }, 'account status changed');
        await emitEvent(ctx, 'identity.account.changed', { personId, status });
        await auditPerson(ic, ctx, { action: 'account.status-changed', personId, before: { status: before }, after: { status } });
      }
      return null;
    }),
  };
}
