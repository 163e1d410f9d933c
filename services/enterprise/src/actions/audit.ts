/** The enterprise's audit trail: written by every service's use-cases, read by the RAE and co-RAEs. */
import type { ActionSchema } from 'moleculer';
import type { AuditRecord } from '@um/contracts';
import { defineAction, ensureAllowed } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

export function auditActions(models: EnterpriseModels): Record<string, ActionSchema> {
  return {
    ...defineAction('enterprise.recordAudit', async (record) => {
      await models.Audit.create({ ...record, at: new Date() });
      return null;
    }),

    ...defineAction('enterprise.listAudit', async ({ enterpriseNumber, page, pageSize }, ctx) => {
      ensureAllowed(ctx, 'audit.read', { enterpriseNumber });
      const [total, docs] = await Promise.all([
        models.Audit.countDocuments({ enterpriseNumber }),
        models.Audit.find({ enterpriseNumber }).sort({ at: -1, _id: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
      ]);
      const items: AuditRecord[] = docs.map((d) => ({
        auditId: String(d._id),
        enterpriseNumber: d.enterpriseNumber,
        at: d.at.toISOString(),
        actor: {
          personId: d.actor.personId ?? 'system',
          ...(d.actor.roleKind ? { roleKind: d.actor.roleKind as NonNullable<AuditRecord['actor']['roleKind']> } : {}),
          ...(d.actor.roleId ? { roleId: d.actor.roleId } : {}),
        },
        action: d.action,
        target: { type: d.target.type ?? '', id: d.target.id ?? '' },
        ...(d.quality ? { quality: d.quality as NonNullable<AuditRecord['quality']> } : {}),
        ...(d.before !== undefined ? { before: d.before } : {}),
        ...(d.after !== undefined ? { after: d.after } : {}),
        ...(d.requestId ? { requestId: d.requestId } : {}),
      }));
      return { items, total, page, pageSize };
    }),
  };
}
