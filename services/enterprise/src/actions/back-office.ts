/**
 * The contact centre's back office (manual ch. 7): find an enterprise, clear a person's lock-out,
 * reset the password of a person who forgot it (to be changed at the next login). Identity does
 * the change; this use-case checks the caller and leaves the record in the audit trail of every
 * enterprise the person holds a role in (identity calls nobody above it, so it cannot write there).
 */
import type { ActionSchema, Context } from 'moleculer';
import type { CallMeta } from '@um/contracts';
import { call, defineAction, notFound, recordAudit } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

type Ctx = Context<unknown, CallMeta>;

/** Regular-expression metacharacters, escaped: the query is only ever a literal prefix. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function backOfficeActions(models: EnterpriseModels): Record<string, ActionSchema> {
  /** Audits a change made to a person in each enterprise they hold a role in (and logs it in any case). */
  const auditOnPerson = async (ctx: Ctx, personId: string, action: string) => {
    const roles = await call(ctx, 'identity.findRoles', { personId });
    const enterprises = [...new Set(roles.flatMap((r) => (r.enterpriseNumber ? [r.enterpriseNumber] : [])))];
    ctx.broker.logger.info({ personId, action, enterprises, by: ctx.meta.principal?.personId, requestId: ctx.requestID }, 'contact centre changed a person');
    for (const enterpriseNumber of enterprises) await recordAudit(ctx, { enterpriseNumber, action, target: { type: 'person', id: personId } });
  };

  return {
    ...defineAction('enterprise.search', async ({ q }) => {
      const byNumber = /^\d+$/.test(q);
      const prefix = new RegExp(`^${escapeRegExp(q)}`, byNumber ? '' : 'i');
      const filter = byNumber ? { _id: prefix, status: 'active' as const } : { name: prefix, status: 'active' as const };
      const found = await models.Enterprise.find(filter, { name: 1, legalForm: 1 }).sort({ name: 1, _id: 1 }).limit(50).lean();
      return { items: found.map((e) => ({ enterpriseNumber: e._id as unknown as string, name: e.name, ...(e.legalForm ? { legalForm: e.legalForm } : {}) })) };
    }),

    ...defineAction('enterprise.adminUnlockPerson', async ({ personId }, ctx) => {
      await call(ctx, 'identity.unlockPerson', { personId });
      await auditOnPerson(ctx, personId, 'person.unlocked');
      return null;
    }),

    ...defineAction('enterprise.adminResetPassword', async ({ personId, body }, ctx) => {
      if (ctx.meta.principal?.personId === personId) throw notFound('person');
      await call(ctx, 'identity.setPassword', { personId, password: body.password, mustChange: true });
      await auditOnPerson(ctx, personId, 'person.password-reset');
      return null;
    }),
  };
}
