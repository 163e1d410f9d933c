/**
 * Role grants: which person holds which role in which enterprise and quality. Internal primitives
 * of the administration use-cases (enterprise and quality services check the permissions); every
 * change emits `identity.role.changed`, and a blocked or revoked role ends its sessions at once
 * (`identity.authenticate` checks the role on every request).
 */
import { Types } from 'mongoose';
import type { ActionSchema, Context } from 'moleculer';
import type { RoleRecord } from '@um/contracts';
import { ClientProblem, defineAction, emitEvent, ensureWindow, isDuplicateKey, notFound } from '@um/platform';
import type { IdentityContext } from '../context.js';
import { exclusiveScopeKey, isoOf, mergeWindow } from '@um/domain';
import { roleKeyOf, type RoleDoc } from '../model.js';
import { sessionsChanged } from './sessions.js';

export function roleRecord(role: Pick<RoleDoc, '_id' | 'personId' | 'kind' | 'enterpriseNumber' | 'quality' | 'status' | 'validFrom' | 'validUntil'>): RoleRecord {
  const validFrom = isoOf(role.validFrom);
  const validUntil = isoOf(role.validUntil);
  return {
    roleId: String(role._id),
    personId: String(role.personId),
    kind: role.kind as RoleRecord['kind'],
    ...(role.enterpriseNumber ? { enterpriseNumber: role.enterpriseNumber } : {}),
    ...(role.quality ? { quality: role.quality as RoleRecord['quality'] } : {}),
    status: role.status as RoleRecord['status'],
    ...(validFrom ? { validFrom } : {}),
    ...(validUntil ? { validUntil } : {}),
  };
}

function emitRoleChanged(ctx: Context, record: RoleRecord, status: 'active' | 'blocked' | 'revoked'): Promise<void> {
  const { roleId, personId, kind, enterpriseNumber, quality, validFrom, validUntil } = record;
  return emitEvent(ctx, 'identity.role.changed', { roleId, personId, kind, enterpriseNumber, quality, status, validFrom, validUntil });
}

/** After a role's write: its holder's cached roles are dropped everywhere, then the change is announced. */
async function announce(ic: IdentityContext, ctx: Context, record: RoleRecord, status: 'active' | 'blocked' | 'revoked'): Promise<void> {
  await ic.persons.changed(ctx, [record.personId]);
  await emitRoleChanged(ctx, record, status);
}

/** The stored form of a grant: its unique keys decide a repeated or conflicting grant in the store. */
function roleDoc(grant: { personId: string; kind: RoleRecord['kind']; enterpriseNumber?: string | undefined; quality?: RoleRecord['quality'] | undefined }) {
  const scope = { personId: new Types.ObjectId(grant.personId), kind: grant.kind, enterpriseNumber: grant.enterpriseNumber, quality: grant.quality };
  return { ...scope, roleKey: roleKeyOf(scope), exclusiveKey: exclusiveScopeKey(grant.kind, grant.enterpriseNumber, grant.quality) };
}

export function roleActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.grantRole', async ({ personId, kind, enterpriseNumber, quality, validFrom, validUntil }, ctx) => {
      const person = await ic.models.Person.exists({ _id: new Types.ObjectId(personId) });
      if (!person) throw new ClientProblem('NOT_FOUND', 'person not found');
      ensureWindow({ validFrom, validUntil });
      const doc = { ...roleDoc({ personId, kind, enterpriseNumber, quality }), validFrom, validUntil };
      const { roleKey } = doc;
      try {
        const role = await ic.models.Role.create(doc);
        await announce(ic, ctx, roleRecord(role), 'active');
        return { roleId: String(role._id), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The same grant again changes nothing (`created: false`: the caller decides whether that
        // is a conflict); another holder of an exclusive role is a conflict.
        const same = await ic.models.Role.findOne({ roleKey }, { _id: 1 }).lean();
        if (same) return { roleId: String(same._id), created: false };
        throw new ClientProblem('CONFLICT', `this ${kind} role is already held by someone else`);
      }
    }),

    // grantRole for many (bulk import): one insert; an item it refused is decided by grantRole's rule
    // (the same role already held: `created: false`; another holder of an exclusive role: CONFLICT).
    ...defineAction('identity.grantRoles', async ({ grants }, ctx) => {
      const persons = new Set((await ic.models.Person.find({ _id: { $in: grants.map((g) => new Types.ObjectId(g.personId)) } }, { _id: 1 }).lean()).map((p) => String(p._id)));
      const docs = grants.map((g) => (persons.has(g.personId) ? { _id: new Types.ObjectId(), ...roleDoc(g) } : undefined));
      const wanted = docs.filter((d) => d !== undefined);
      const complete = wanted.length === 0 || await ic.models.Role.insertMany(wanted, { ordered: false }).then(
        () => true,
        (err: unknown) => {
          if (!isDuplicateKey(err) && !(err as { writeErrors?: unknown }).writeErrors) throw err;
          return false;
        },
      );
      // The stored roles are read back only when the insert refused some (a role already held).
      const stored = complete ? wanted.map((d) => ({ ...d, status: 'active' as const })) : await ic.models.Role.find({ roleKey: { $in: wanted.map((d) => d.roleKey) } }).lean();
      const byKey = new Map(stored.map((r) => [r.roleKey, r]));
      await ic.persons.changed(ctx, wanted.map((d) => String(d.personId)));
      const results = [];
      const granted: RoleRecord[] = [];
      for (const doc of docs) {
        const role = doc ? byKey.get(doc.roleKey) : undefined;
        if (!doc) results.push({ problem: { code: 'NOT_FOUND', message: 'person not found' } });
        else if (!role) results.push({ problem: { code: 'CONFLICT', message: `this ${doc.kind} role is already held by someone else` } });
        else {
          const created = String(role._id) === String(doc._id);
          if (created) granted.push(roleRecord(role));
          results.push({ roleId: String(role._id), created });
        }
      }
      // One event per granted role, as grantRole emits, sent together rather than one after another
      // (the holders' cached roles were dropped above, all at once).
      await Promise.all(granted.map((record) => emitRoleChanged(ctx, record, 'active')));
      return results;
    }),

    ...defineAction('identity.revokeRole', async ({ roleId }, ctx) => {
      if (!Types.ObjectId.isValid(roleId)) return null;
      const id = new Types.ObjectId(roleId);
      const role = await ic.models.Role.findOneAndDelete({ _id: id }).lean();
      await ic.models.Session.updateMany({ roleId: id, endedAt: { $exists: false } }, { $set: { endedAt: new Date() } });
      await sessionsChanged(ic, ctx, { roleId });
      if (role) await announce(ic, ctx, roleRecord(role), 'revoked');
      return null;
    }),

    ...defineAction('identity.setRoleStatus', async ({ roleId, status }, ctx) => {
      const role = await ic.models.Role.findOneAndUpdate({ _id: new Types.ObjectId(roleId) }, { $set: { status } }, { returnDocument: 'after' }).lean();
      if (!role) throw notFound('role');
      if (status !== 'active') await sessionsChanged(ic, ctx, { roleId });
      const record = roleRecord(role);
      await announce(ic, ctx, record, status);
      return record;
    }),

    // Time-bound access: a new window takes effect at once (the sessions of the role are read again,
    // and authenticate never believes one past its role's validUntil).
    ...defineAction('identity.setRoleWindow', async ({ roleId, validFrom, validUntil }, ctx) => {
      const id = new Types.ObjectId(roleId);
      const before = await ic.models.Role.findById(id).lean();
      if (!before) throw notFound('role');
      const window = mergeWindow(before, { validFrom, validUntil });
      ensureWindow(window);
      const unset = (['validFrom', 'validUntil'] as const).filter((key) => window[key] === undefined);
      const role = await ic.models.Role.findOneAndUpdate(
        { _id: id },
        { $set: { ...window }, ...(unset.length ? { $unset: Object.fromEntries(unset.map((key) => [key, 1])) } : {}) },
        { returnDocument: 'after' },
      ).lean();
      if (!role) throw notFound('role');
      await sessionsChanged(ic, ctx, { roleId });
      const record = roleRecord(role);
      await announce(ic, ctx, record, record.status);
      return record;
    }),

    ...defineAction('identity.findRoles', async ({ enterpriseNumber, quality, kinds, personId }) => {
      const filter: Record<string, unknown> = {};
      if (enterpriseNumber) filter.enterpriseNumber = enterpriseNumber;
      if (quality) filter.quality = quality;
      if (kinds) filter.kind = { $in: kinds };
      if (personId) filter.personId = new Types.ObjectId(personId);
      const roles = await ic.models.Role.find(filter).sort({ createdAt: 1 }).limit(10_000).lean();
      return roles.map(roleRecord);
    }),
  };
}
