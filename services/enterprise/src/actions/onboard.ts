/**
 * Contact centre onboards an enterprise with its RAE. Three owners take part (this service, and
 * identity for the person/account and the role), so the steps run as a saga: each step that
 * succeeded is undone if a later one fails, and nothing is left behind.
 */
import type { ActionSchema, Context } from 'moleculer';
import type { CallMeta } from '@um/contracts';
import { ClientProblem, call, defineAction, ensureAllowed, isDuplicateKey, type Logger } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

/** A pending enterprise older than this is the remains of a crashed onboarding and may be retaken. */
const STALE_PENDING_MS = 2 * 60_000;

async function reserve(models: EnterpriseModels, enterpriseNumber: string, fields: Record<string, unknown>): Promise<void> {
  try {
    await models.Enterprise.create({ _id: enterpriseNumber, ...fields, status: 'pending' });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const stale = await models.Enterprise.deleteOne({
      _id: enterpriseNumber,
      status: 'pending',
      updatedAt: { $lt: new Date(Date.now() - STALE_PENDING_MS) },
    });
    if (stale.deletedCount === 1) return reserve(models, enterpriseNumber, fields);
    throw new ClientProblem('ENTERPRISE_EXISTS', 'this enterprise is already onboarded', {
      errors: [{ field: 'enterpriseNumber', code: 'ENTERPRISE_EXISTS', message: 'already onboarded' }],
    });
  }
}

export function onboardAction(models: EnterpriseModels, logger: Logger): Record<string, ActionSchema> {
  return defineAction('enterprise.onboard', async (input, ctx: Context<unknown, CallMeta>) => {
    ensureAllowed(ctx, 'admin.enterprises.onboard');
    const { accessManager, enterpriseNumber, ...details } = input;
    const undo: Array<() => Promise<unknown>> = [];
    try {
      await reserve(models, enterpriseNumber, details);
      undo.push(() => models.Enterprise.deleteOne({ _id: enterpriseNumber, status: 'pending' }));

      const person = await call(ctx, 'identity.registerPerson', { person: accessManager });
      if (person.created) undo.push(() => call(ctx, 'identity.discardPerson', { personId: person.personId }));

      const role = await call(ctx, 'identity.grantRole', { personId: person.personId, kind: 'access-manager', enterpriseNumber });
      undo.push(() => call(ctx, 'identity.revokeRole', { roleId: role.roleId }));

      await models.Enterprise.updateOne({ _id: enterpriseNumber }, { $set: { status: 'active', accessManagerPersonId: person.personId } });
      return { enterpriseNumber, personId: person.personId, roleId: role.roleId };
    } catch (err) {
      for (const step of undo.reverse()) {
        await step().catch((undoErr: unknown) =>
          logger.error({ err: undoErr, enterpriseNumber, requestId: ctx.requestID }, 'could not undo an onboarding step'),
        );
      }
      throw err;
    }
  });
}
