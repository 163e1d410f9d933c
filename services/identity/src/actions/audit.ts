/**
 * A person's audit trail, for the contact centre (GET /admin/persons/{personId}/audit); and the
 * self-service records still to be copied into the enterprises' trails (see ../audit.ts).
 */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { defineAction } from '@um/platform';
import { personAuditView, sharedView } from '../audit.js';
import type { IdentityContext } from '../context.js';

export function auditActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.listPersonAudit', async ({ personId, page, pageSize }) => {
      const filter = { personId: new Types.ObjectId(personId) };
      const [total, docs] = await Promise.all([
        ic.models.PersonAudit.countDocuments(filter),
        ic.models.PersonAudit.find(filter).sort({ at: -1, _id: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
      ]);
      return { items: docs.map(personAuditView), total, page, pageSize };
    }),

    ...defineAction('identity.pendingSharedAudit', async ({ limit }) => {
      const docs = await ic.models.PersonAudit.find({ sharePending: true }).sort({ at: 1, _id: 1 }).limit(limit).lean();
      return { items: docs.map(sharedView) };
    }),

    ...defineAction('identity.acknowledgeSharedAudit', async ({ auditIds }) => {
      await ic.models.PersonAudit.updateMany({ _id: { $in: auditIds.map((id) => new Types.ObjectId(id)) }, sharePending: true }, { $unset: { sharePending: 1 } });
      return null;
    }),
  };
}
