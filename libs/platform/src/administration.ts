/**
 * Building blocks of the administration use-cases that span services (enterprise, quality,
 * user-management): a saga that undoes completed steps on failure, the designation of a person in
 * a role, manager listings, and the audit record every change leaves.
 */
import type { Context } from 'moleculer';
import { RECORD_AUDITS_MAX, type CallMeta, type DesignationEditBody, type ManagerView, type PersonInput, type RoleRecord } from '@um/contracts';
import { isSelf, mergeWindow, validityAt, type QualityType, type RoleKind } from '@um/domain';
import { call } from './actions.js';
import { ClientProblem, ensureWindow, notFound } from './errors.js';

type Ctx = Context<unknown, CallMeta>;

/** Steps that completed register how to undo themselves; `fail` runs them newest first. */
export class Saga {
  private readonly undo: Array<{ label: string; run: () => Promise<unknown> }> = [];

  constructor(private readonly ctx: Ctx) {}

  onFailure(label: string, run: () => Promise<unknown>): void {
    this.undo.push({ label, run });
  }

  async run<T>(steps: () => Promise<T>): Promise<T> {
    try {
      return await steps();
    } catch (err) {
      for (const step of this.undo.reverse()) {
        await step.run().catch((undoErr: unknown) =>
          this.ctx.broker.logger.error({ err: undoErr, step: step.label, requestId: this.ctx.requestID }, 'could not undo a step'),
        );
      }
      throw err;
    }
  }
}

export interface RoleScopeInput {
  kind: RoleKind;
  enterpriseNumber: string;
  quality?: QualityType;
}

/** 409 for a designation of someone who already holds that very role (also the losers of a race). */
export function alreadyHeld(kind: RoleKind): ClientProblem {
  return new ClientProblem('ALREADY_MEMBER', `this person is already ${kind} here`, {
    errors: [{ field: 'niss', code: 'ALREADY_MEMBER', message: `already ${kind} here` }],
  });
}

/**
 * Finds (by NISS) or creates the person, then grants the role; inside a saga, both are undone if a
 * later step fails (a person is removed only if this call created it). A person who already holds
 * the role gets 409 ALREADY_MEMBER: identity's unique role key decides, so of concurrent identical
 * designations exactly one succeeds.
 */
export async function designate(
  ctx: Ctx,
  saga: Saga,
  designation: PersonInput & { validFrom?: string; validUntil?: string },
  scope: RoleScopeInput,
): Promise<{ personId: string; roleId: string; created: boolean }> {
  // Time-bound access: the window belongs to the role, not to the person.
  const { validFrom, validUntil, ...person } = designation;
  ensureWindow({ validFrom, validUntil });
  const registered = await call(ctx, 'identity.registerPerson', { person });
  if (registered.created) saga.onFailure('discard person', () => call(ctx, 'identity.discardPerson', { personId: registered.personId }));
  const granted = await call(ctx, 'identity.grantRole', { personId: registered.personId, ...scope, validFrom, validUntil });
  if (!granted.created) throw alreadyHeld(scope.kind);
  saga.onFailure('revoke role', () => call(ctx, 'identity.revokeRole', { roleId: granted.roleId }));
  return { personId: registered.personId, roleId: granted.roleId, created: registered.created };
}

/**
 * Gives a role that exists once per scope (the RAE of an enterprise, the GL of a quality) to
 * `person`: the current holder loses it first (its sessions end) and gets it back if a later step
 * of the saga fails. `unchanged` when the person already holds it (nothing was done).
 */
export async function replaceHolder(
  ctx: Ctx,
  saga: Saga,
  person: PersonInput,
  scope: RoleScopeInput,
): Promise<{ personId: string; roleId: string; previous?: RoleRecord; unchanged: boolean; created: boolean }> {
  const [previous] = await call(ctx, 'identity.findRoles', { enterpriseNumber: scope.enterpriseNumber, quality: scope.quality, kinds: [scope.kind] });
  const registered = await call(ctx, 'identity.registerPerson', { person });
  if (previous?.personId === registered.personId) return { personId: previous.personId, roleId: previous.roleId, previous, unchanged: true, created: false };
  if (registered.created) saga.onFailure('discard person', () => call(ctx, 'identity.discardPerson', { personId: registered.personId }));
  if (previous) {
    await call(ctx, 'identity.revokeRole', { roleId: previous.roleId });
    saga.onFailure('restore previous holder', () => call(ctx, 'identity.grantRole', { personId: previous.personId, ...scope }));
  }
  const granted = await call(ctx, 'identity.grantRole', { personId: registered.personId, ...scope });
  const { roleId } = granted;
  if (granted.created) saga.onFailure('revoke role', () => call(ctx, 'identity.revokeRole', { roleId }));
  return { personId: registered.personId, roleId, ...(previous ? { previous } : {}), unchanged: false, created: registered.created };
}

/** The role of `personId` of one of `kinds` in the scope, or 404 (never reveal what lies elsewhere). */
export async function findRoleOf(ctx: Ctx, scope: { enterpriseNumber: string; quality?: QualityType; kinds: RoleKind[]; personId: string }): Promise<RoleRecord> {
  const roles = await call(ctx, 'identity.findRoles', scope);
  const role = roles[0];
  if (!role) throw notFound('person');
  return role;
}

/** Roles joined with their persons, as managers see them. */
export async function managerViews(ctx: Ctx, roles: RoleRecord[]): Promise<ManagerView[]> {
  if (roles.length === 0) return [];
  const persons = await call(ctx, 'identity.getPersons', { personIds: [...new Set(roles.map((r) => r.personId))] });
  const byId = new Map(persons.map((p) => [p.personId, p]));
  const now = Date.now();
  return roles.flatMap((role) => {
    const person = byId.get(role.personId);
    if (!person) return [];
    return [
      {
        ...person,
        roleId: role.roleId,
        kind: role.kind,
        status: role.status,
        ...(role.quality ? { quality: role.quality } : {}),
        ...(role.validFrom ? { validFrom: role.validFrom } : {}),
        ...(role.validUntil ? { validUntil: role.validUntil } : {}),
        validity: validityAt(role, now),
      },
    ];
  });
}

/**
 * PATCH of a designation (co-GL, co-RAE): the person-level fields go to identity (which applies
 * the §7.1 person rule), the window to the role; a window alone touches no person-level data.
 */
export async function editDesignation(ctx: Ctx, role: RoleRecord, changes: DesignationEditBody): Promise<void> {
  const { validFrom, validUntil, ...personChanges } = changes;
  if (validFrom !== undefined || validUntil !== undefined) {
    ensureWindow(mergeWindow(role, { validFrom, validUntil }));
    await call(ctx, 'identity.setRoleWindow', { roleId: role.roleId, validFrom, validUntil });
  }
  if (Object.keys(personChanges).length > 0 || (validFrom === undefined && validUntil === undefined)) {
    await call(ctx, 'identity.updatePerson', { personId: role.personId, ...personChanges });
  }
}

/** For handlers whose contract cannot say `notOnSelf` (the rule: libs/domain `isSelf`). */
export function refuseSelf(ctx: Ctx, personId: string): void {
  if (isSelf(ctx.meta.principal, personId)) throw new ClientProblem('FORBIDDEN', 'you cannot do this to yourself');
}

export interface AuditInput {
  enterpriseNumber: string;
  quality?: QualityType;
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
}

/**
 * Leaves the audit record of a change (who, in which role, what, on whom, before/after, when,
 * request id). If the trail cannot be written the record goes to the error log in full, so it is
 * never lost silently.
 */
export async function recordAudit(ctx: Ctx, input: AuditInput): Promise<void> {
  const record = auditRecordOf(ctx, input);
  try {
    await call(ctx, 'enterprise.recordAudit', record);
  } catch (err) {
    ctx.broker.logger.error({ err, audit: record }, 'audit record not stored');
  }
}

function auditRecordOf(ctx: Ctx, input: AuditInput) {
  const principal = ctx.meta.principal;
  return {
    ...input,
    actor: {
      personId: principal?.personId ?? 'system',
      ...(principal?.role ? { roleKind: principal.role.kind, roleId: principal.role.id } : {}),
    },
    ...(ctx.requestID ? { requestId: ctx.requestID } : {}),
  };
}

/**
 * `recordAudit` for many changes of one use-case (bulk import): the records are stored by
 * `enterprise.recordAudits`, up to RECORD_AUDITS_MAX per call, in the order given. Same failure
 * policy: a batch that cannot be stored goes to the error log in full, and nothing is thrown.
 */
export async function recordAudits(ctx: Ctx, inputs: readonly AuditInput[]): Promise<void> {
  const records = inputs.map((input) => auditRecordOf(ctx, input));
  for (let i = 0; i < records.length; i += RECORD_AUDITS_MAX) {
    const batch = records.slice(i, i + RECORD_AUDITS_MAX);
    try {
      await call(ctx, 'enterprise.recordAudits', { records: batch });
    } catch (err) {
      ctx.broker.logger.error({ err, audit: batch }, 'audit records not stored');
    }
  }
}
