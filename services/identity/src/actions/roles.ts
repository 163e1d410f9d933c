/** Role grants: which person holds which role in which enterprise and quality. */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { ClientProblem, defineAction, isDuplicateKey } from '@um/platform';
import type { IdentityContext } from '../context.js';
import { exclusiveKeyOf } from '../model.js';

export function roleActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.grantRole', async ({ personId, kind, enterpriseNumber, quality }) => {
      const person = await ic.models.Person.exists({ _id: new Types.ObjectId(personId) });
      if (!person) throw new ClientProblem('NOT_FOUND', 'person not found');
      const scope = { personId: new Types.ObjectId(personId), kind, enterpriseNumber, quality };
      try {
        const role = await ic.models.Role.create({ ...scope, exclusiveKey: exclusiveKeyOf(kind, enterpriseNumber, quality) });
        return { roleId: String(role._id) };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The same grant again is a no-op; another holder of an exclusive role is a conflict.
        const same = await ic.models.Role.findOne(scope, { _id: 1 }).lean();
        if (same) return { roleId: String(same._id) };
        throw new ClientProblem('CONFLICT', `this ${kind} role is already held by someone else`);
      }
    }),

    ...defineAction('identity.revokeRole', async ({ roleId }) => {
      if (!Types.ObjectId.isValid(roleId)) return null;
      const id = new Types.ObjectId(roleId);
      await ic.models.Role.deleteOne({ _id: id });
      await ic.models.Session.updateMany({ roleId: id, endedAt: { $exists: false } }, { $set: { endedAt: new Date() } });
      return null;
    }),
  };
}
