/**
 * The enterprise's audit trail: written by every service's use-cases, and copied from identity for
 * the changes people make to their own data (identity's audit.ts says how and why); read by
 * the RAE and co-RAEs whole, and by a GL/co-GL for their quality's part.
 */
import type { ActionSchema, ServiceBroker } from 'moleculer';
import type { AuditRecord, SharedPersonAudit } from '@um/contracts';
import { isQualityBound } from '@um/domain';
import { call, defineAction, defineEvent, requireRole, isDuplicateKey } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

/**
 * Copies a person's own change into the trail of each enterprise they held a role in; a record
 * copied twice (the event and the fetch, or two instances) is stored once.
 */
async function copyShared(models: EnterpriseModels, { auditId, personId, at, action, actor, before, after, requestId, scopes }: SharedPersonAudit): Promise<void> {
  for (const { enterpriseNumber, qualities } of scopes) {
    try {
      await models.Audit.create({
        enterpriseNumber,
        at: new Date(at),
        actor,
        action,
        target: { type: 'person', id: personId },
        ...(qualities.length === 1 ? { quality: qualities[0] } : {}),
        ...(qualities.length > 0 ? { qualities } : {}),
        ...(before !== undefined ? { before } : {}),
        ...(after !== undefined ? { after } : {}),
        ...(requestId ? { requestId } : {}),
        sourceKey: `${auditId}:${enterpriseNumber}`,
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** The event: copied at once, then acknowledged (identity's audit.ts says why nothing is lost without it). */
export function auditEvents(models: EnterpriseModels) {
  return defineEvent('identity.person.audited', async (record, ctx) => {
    await copyShared(models, record);
    await call(ctx, 'identity.acknowledgeSharedAudit', { auditIds: [record.auditId] });
  });
}

const FETCH_BATCH = 200;

/**
 * Copies every self-service record identity still holds as not copied (their event was lost, or
 * its copy failed), batch by batch, acknowledging each batch once copied. Returns how many.
 */
export async function fetchSharedAudit(models: EnterpriseModels, broker: Pick<ServiceBroker, 'call'>): Promise<number> {
  let copied = 0;
  for (;;) {
    const { items } = await call(broker, 'identity.pendingSharedAudit', { limit: FETCH_BATCH });
    if (items.length === 0) return copied;
    for (const record of items) await copyShared(models, record);
    await call(broker, 'identity.acknowledgeSharedAudit', { auditIds: items.map((r) => r.auditId) });
    copied += items.length;
    if (items.length < FETCH_BATCH) return copied;
  }
}

export function auditActions(models: EnterpriseModels): Record<string, ActionSchema> {
  return {
    ...defineAction('enterprise.recordAudit', async (record) => {
      await models.Audit.create({ ...record, at: new Date() });
      return null;
    }),

    // The same records stored with one insert (each `pending`, published by the outbox relay like any other).
    ...defineAction('enterprise.recordAudits', async ({ records }) => {
      const at = new Date();
      await models.Audit.insertMany(records.map((record) => ({ ...record, at })));
      return null;
    }),

    ...defineAction('enterprise.listAudit', async ({ enterpriseNumber, page, pageSize }, ctx) => {
      const { role } = requireRole(ctx);
      // A GL/co-GL reads what concerns their quality: its changes, and the people who hold a role in it.
      const filter = isQualityBound(role.kind) ? { enterpriseNumber, $or: [{ quality: role.quality }, { qualities: role.quality }] } : { enterpriseNumber };
      const [total, docs] = await Promise.all([
        models.Audit.countDocuments(filter),
        models.Audit.find(filter).sort({ at: -1, _id: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
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
