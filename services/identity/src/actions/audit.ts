/** A person's audit trail, for the contact centre (GET /admin/persons/{personId}/audit). */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { defineAction } from '@um/platform';
import { personAuditView } from '../audit.js';
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
  };
}
