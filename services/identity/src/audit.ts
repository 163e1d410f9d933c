/**
 * The person's audit trail (`person_audit`), kept by identity: logins (success, failure,
 * lock-out, address limit, each with the source address), password changes and resets,
 * certificates bound and removed, language and e-mail changes, account status changes, unlocks.
 * The contact centre reads it (GET /admin/persons/{personId}/audit).
 *
 * The enterprises' trails. Identity is the lowest layer and calls nothing above it, so it cannot
 * write into the enterprise service's trail. The changes a manager makes to a person reach identity
 * through a use-case of enterprise, quality or user-management, which records them in the
 * enterprise's trail itself; identity keeps them in the person's trail only (no duplicate). The
 * changes a person makes to their own data (`selfService: true` below) have no use-case above
 * identity, so identity stores them with the enterprises (and qualities) the person holds roles in,
 * read from its own roles, and marked `sharePending`. The enterprise service copies each into
 * those enterprises' trails, idempotently (one copy per record and enterprise), then acknowledges
 * it (identity.acknowledgeSharedAudit), which clears the mark. It learns of a record two ways:
 * - at once, from the `identity.person.audited` event emitted after the record is stored;
 * - by asking for the records still marked (identity.pendingSharedAudit) when it starts and
 *   every UM_AUDIT_RELAY_SECONDS: an event that found no enterprise instance up, or whose copy
 *   failed, is made up for there. So a self-service change always reaches the enterprise trail,
 *   a little later at worst; the person's trail is the record of reference.
 * A copy rather than a merge at query time: the enterprise trail stays one indexed, paginated
 * query, and identity knows nothing of who reads it.
 * Logins and lock-outs stay in the person's trail: they are not changes to the enterprise's
 * people, and a login belongs to no enterprise until a role is chosen.
 */
import { Types } from 'mongoose';
import type { Context } from 'moleculer';
import type { CallMeta, PersonAuditRecord, SharedPersonAudit } from '@um/contracts';
import type { QualityType } from '@um/domain';
import { emitEvent } from '@um/platform';
import type { IdentityContext } from './context.js';

export interface PersonEvent {
  action: string;
  personId?: Types.ObjectId | string;
  /** For an unknown username only (normalised); never with `personId`. */
  username?: string;
  sourceIp?: string;
  before?: unknown;
  after?: unknown;
  /** Also copied into the trail of each enterprise the person holds a role in (see above). */
  selfService?: boolean;
}

type Ctx = Pick<Context<unknown, CallMeta>, 'meta' | 'requestID' | 'emit'>;

/**
 * Records one event in the person's trail. A failure to write is logged with the full record at
 * error level and does not undo what was done (as the enterprise trail's recordAudit does).
 */
export async function auditPerson(ic: IdentityContext, ctx: Ctx, event: PersonEvent): Promise<void> {
  const principal = ctx.meta.principal;
  const actor = principal
    ? { personId: principal.personId, ...(principal.role ? { roleKind: principal.role.kind, roleId: principal.role.id } : {}) }
    : undefined;
  const record = {
    action: event.action,
    at: new Date(),
    ...(event.personId ? { personId: new Types.ObjectId(String(event.personId)) } : {}),
    ...(event.username !== undefined ? { username: event.username } : {}),
    ...(actor ? { actor } : {}),
    ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
    ...(event.before !== undefined ? { before: event.before } : {}),
    ...(event.after !== undefined ? { after: event.after } : {}),
    ...(ctx.requestID ? { requestId: ctx.requestID } : {}),
  };
  try {
    const scopes = event.selfService && event.personId && actor ? await scopesOf(ic, String(event.personId)) : [];
    const stored = await ic.models.PersonAudit.create(scopes.length > 0 ? { ...record, scopes, sharePending: true } : record);
    // Best effort: a lost event is made up for by the enterprise service's periodic fetch.
    if (scopes.length > 0) await emitEvent(ctx, 'identity.person.audited', sharedView(stored.toObject())).catch((err: unknown) => ic.logger.warn({ err, auditId: String(stored._id) }, 'identity.person.audited not emitted; the enterprise service fetches the record later'));
  } catch (err) {
    ic.logger.error({ err, audit: record }, 'person audit record not stored');
  }
}

type StoredRecord = Parameters<typeof personAuditView>[0] & { scopes?: Array<{ enterpriseNumber?: string | null; qualities?: string[] | null }> | null };

/** A self-service record as the enterprise service copies it. */
export function sharedView(doc: StoredRecord): SharedPersonAudit {
  const view = personAuditView(doc);
  return {
    auditId: view.auditId,
    personId: view.personId ?? '',
    at: view.at,
    action: view.action,
    actor: view.actor ?? { personId: view.personId ?? '' },
    ...(view.before !== undefined ? { before: view.before } : {}),
    ...(view.after !== undefined ? { after: view.after } : {}),
    ...(view.requestId ? { requestId: view.requestId } : {}),
    scopes: (doc.scopes ?? []).map((scope) => ({ enterpriseNumber: scope.enterpriseNumber ?? '', qualities: (scope.qualities ?? []) as QualityType[] })),
  };
}

/** The enterprises the person holds roles in (active or blocked), each with the qualities of those roles. */
async function scopesOf(ic: IdentityContext, personId: string): Promise<Array<{ enterpriseNumber: string; qualities: QualityType[] }>> {
  const roles = await ic.models.Role.find({ personId: new Types.ObjectId(personId) }, { enterpriseNumber: 1, quality: 1 }).lean();
  const byEnterprise = new Map<string, Set<QualityType>>();
  for (const role of roles) {
    if (!role.enterpriseNumber) continue;
    const qualities = byEnterprise.get(role.enterpriseNumber) ?? new Set();
    if (role.quality) qualities.add(role.quality as QualityType);
    byEnterprise.set(role.enterpriseNumber, qualities);
  }
  return [...byEnterprise].map(([enterpriseNumber, qualities]) => ({ enterpriseNumber, qualities: [...qualities] }));
}

export function personAuditView(doc: {
  _id: Types.ObjectId;
  at: Date;
  action: string;
  personId?: Types.ObjectId | null;
  username?: string | null;
  actor?: { personId?: string | null; roleKind?: string | null; roleId?: string | null } | null;
  sourceIp?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}): PersonAuditRecord {
  return {
    auditId: String(doc._id),
    at: doc.at.toISOString(),
    ...(doc.personId ? { personId: String(doc.personId) } : {}),
    ...(doc.username ? { username: doc.username } : {}),
    action: doc.action,
    ...(doc.actor?.personId
      ? {
          actor: {
            personId: doc.actor.personId,
            ...(doc.actor.roleKind ? { roleKind: doc.actor.roleKind as NonNullable<PersonAuditRecord['actor']>['roleKind'] } : {}),
            ...(doc.actor.roleId ? { roleId: doc.actor.roleId } : {}),
          },
        }
      : {}),
    ...(doc.sourceIp ? { sourceIp: doc.sourceIp } : {}),
    ...(doc.before !== undefined && doc.before !== null ? { before: doc.before } : {}),
    ...(doc.after !== undefined && doc.after !== null ? { after: doc.after } : {}),
    ...(doc.requestId ? { requestId: doc.requestId } : {}),
  };
}
