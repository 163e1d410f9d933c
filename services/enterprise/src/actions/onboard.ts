/**
 * Contact centre onboards an enterprise with its RAE. Three owners take part (this service, and
 * identity for the person/account and the role), so the steps run as a saga: each step that
 * succeeded is undone if a later one fails, and nothing is left behind.
 */
import type { ActionSchema } from 'moleculer';
import { ClientProblem, Saga, defineAction, designate, emitEvent, isDuplicateKey, recordAudit } from '@um/platform';
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

export function onboardAction(models: EnterpriseModels): Record<string, ActionSchema> {
  return defineAction('enterprise.onboard', async (input, ctx) => {
    const { accessManager, enterpriseNumber, ...details } = input;
    const saga = new Saga(ctx);
    const result = await saga.run(async () => {
      await reserve(models, enterpriseNumber, details);
      saga.onFailure('release enterprise', () => models.Enterprise.deleteOne({ _id: enterpriseNumber, status: 'pending' }));
      const rae = await designate(ctx, saga, accessManager, { kind: 'access-manager', enterpriseNumber });
      await models.Enterprise.updateOne({ _id: enterpriseNumber }, { $set: { status: 'active', accessManagerPersonId: rae.personId } });
      return { enterpriseNumber, personId: rae.personId, roleId: rae.roleId, created: rae.created };
    });
    await emitEvent(ctx, 'enterprise.onboarded', { enterpriseNumber, accessManagerPersonId: result.personId });
    await recordAudit(ctx, {
      enterpriseNumber,
      action: 'enterprise.onboarded',
      target: { type: 'enterprise', id: enterpriseNumber },
      after: { ...details, accessManagerPersonId: result.personId },
    });
    return result;
  });
}
