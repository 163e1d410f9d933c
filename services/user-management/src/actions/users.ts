/**
 * The users of a quality (docs/product.md §2: RAE, co-RAE, and the GL/co-GLs of that quality): register
 * by NISS, read, change (language, e-mails, applications, company e-mail), block, unblock, delete
 * the membership, reset the password. Each reads top-down: validate → load → check → change →
 * persist → announce (every instance's projection) → audit.
 */
import type { ActionSchema, Context } from 'moleculer';
import { APPLICATIONS_BY_QUALITY, isoOf, mergeWindow, validityAt, type ApplicationWindow, type QualityType, type ValidityWindow } from '@um/domain';
import type { ApplicationGrantInput, CallMeta, RegisterUserBody, UserView } from '@um/contracts';
import { ClientProblem, Saga, alreadyHeld, call, defineAction, ensureWindow, notFound, recordAudit } from '@um/platform';
import { membershipId, personUpdate, storedWindow, type MembershipDoc, type UserManagementModels } from '../model.js';
import type { Sync } from '../sync.js';

type Ctx = Context<unknown, CallMeta>;
type Stored = MembershipDoc & { _id: string };

/** A window as answers carry it: its bounds (ISO 8601) and where it stands at `now`. */
export function windowView(w: ValidityWindow, now: number): { validFrom?: string; validUntil?: string; validity: UserView['validity'] } {
  const validFrom = isoOf(w.validFrom);
  const validUntil = isoOf(w.validUntil);
  return { ...(validFrom ? { validFrom } : {}), ...(validUntil ? { validUntil } : {}), validity: validityAt(w, now) };
}

export function userView(m: Omit<MembershipDoc, 'createdAt' | 'updatedAt'>, now = Date.now()): UserView {
  const windows = new Map((m.applicationWindows ?? []).map((w) => [w.code, w]));
  return {
    personId: m.personId,
    ...(m.username ? { username: m.username } : {}),
    firstName: m.firstName,
    lastName: m.lastName,
    ...(m.title ? { title: m.title } : {}),
    ...(m.niss ? { niss: m.niss } : {}),
    language: m.language as UserView['language'],
    emails: m.emails,
    enterpriseNumber: m.enterpriseNumber,
    quality: m.quality as QualityType,
    kind: m.kind as UserView['kind'],
    status: m.status as UserView['status'],
    accountStatus: m.accountStatus as UserView['accountStatus'],
    applications: m.applications,
    applicationGrants: m.applications.map((code) => ({ code, ...windowView(windows.get(code) ?? {}, now) })),
    ...(m.companyEmail ? { companyEmail: m.companyEmail } : {}),
    ...(m.externalId ? { externalId: m.externalId } : {}),
    ...windowView(m, now),
  };
}

/** Applications must come from the quality's catalogue (400 naming each offending entry). */
export function checkApplications(quality: QualityType, applications: readonly string[] | undefined): string[] | undefined {
  if (applications === undefined) return undefined;
  const catalogue = APPLICATIONS_BY_QUALITY[quality];
  const errors = applications.flatMap((app, i) =>
    catalogue.includes(app) ? [] : [{ field: `applications.${i}`, code: 'APPLICATION_NOT_IN_CATALOGUE', message: `${app} is not an application of ${quality}` }],
  );
  if (errors.length > 0) throw new ClientProblem('APPLICATION_NOT_IN_CATALOGUE', `applications must be among ${catalogue.join(', ')}`, { errors });
  return [...new Set(applications)];
}

/**
 * Granted applications as a body gives them (a code, or `{code, validFrom?, validUntil?}`): the
 * codes, checked against the catalogue, and the windows of the time-bound ones (a code given twice:
 * the last mention wins).
 */
export function checkGrants(quality: QualityType, grants: readonly ApplicationGrantInput[] | undefined): { applications: string[]; applicationWindows: ApplicationWindow[] } | undefined {
  if (grants === undefined) return undefined;
  const applications = checkApplications(quality, grants.map((g) => (typeof g === 'string' ? g : g.code))) ?? [];
  const windows = new Map<string, ApplicationWindow>();
  grants.forEach((g, i) => {
    if (typeof g === 'string') return void windows.delete(g);
    ensureWindow(g, `applications.${i}`);
    const stored = storedWindow(g);
    if (stored.validFrom || stored.validUntil) windows.set(g.code, { code: g.code, ...stored });
    else windows.delete(g.code);
  });
  return { applications, applicationWindows: [...windows.values()] };
}

/**
 * The use-cases on a quality's users, shared by the manager routes of /api/v1 and the SCIM routes
 * of /scim/v2 (which differ in who calls and in their HTTP shape, never in the rules).
 */
export function userUseCases(models: UserManagementModels, sync: Sync) {
  const requireActiveQuality = async (ctx: Ctx, enterpriseNumber: string, type: QualityType) => {
    const state = await call(ctx, 'quality.state', { enterpriseNumber, type });
    if (!state.active) throw notFound('quality');
  };
  const member = async (enterpriseNumber: string, quality: QualityType, personId: string): Promise<Stored> => {
    const m = await models.Membership.findById(membershipId({ enterpriseNumber, quality, personId })).lean();
    if (!m) throw notFound('user');
    return m as Stored;
  };
  /** GL/co-GL memberships are changed through their own routes (quality service). */
  const user = async (enterpriseNumber: string, quality: QualityType, personId: string): Promise<Stored> => {
    const m = await member(enterpriseNumber, quality, personId);
    if (m.kind !== 'user') throw new ClientProblem('CONFLICT', `this person is a ${m.kind} of this quality: use the ${m.kind} routes`);
    return m;
  };

  /**
   * Registers a user by NISS (an existing person is reused, §7.1), with the membership's
   * applications, company e-mail and, from a SCIM client, the HR system's `externalId`.
   */
  const register = async (ctx: Ctx, { enterpriseNumber, type, body, externalId }: { enterpriseNumber: string; type: QualityType; body: RegisterUserBody; externalId?: string }) => {
    const { companyEmail, applications: wanted, validFrom, validUntil, ...person } = body;
    const { applications, applicationWindows } = checkGrants(type, wanted) ?? { applications: [], applicationWindows: [] };
    ensureWindow({ validFrom, validUntil });
    const window = storedWindow({ validFrom, validUntil });
    await requireActiveQuality(ctx, enterpriseNumber, type);
    const saga = new Saga(ctx);
    const result = await saga.run(async () => {
      const registered = await call(ctx, 'identity.registerPerson', { person });
      if (registered.created) saga.onFailure('discard person', () => call(ctx, 'identity.discardPerson', { personId: registered.personId }));
      const held = await call(ctx, 'identity.findRoles', { enterpriseNumber, quality: type, personId: registered.personId });
      if (held.length > 0) {
        throw new ClientProblem('ALREADY_MEMBER', 'this person is already a member of this quality', {
          errors: [{ field: 'niss', code: 'ALREADY_MEMBER', message: 'already a member of this quality' }],
        });
      }
      const granted = await call(ctx, 'identity.grantRole', { personId: registered.personId, kind: 'user', enterpriseNumber, quality: type, validFrom, validUntil });
      // A concurrent identical registration won the unique role key: this one changes nothing.
      if (!granted.created) throw alreadyHeld('user');
      const { roleId } = granted;
      saga.onFailure('revoke role', () => call(ctx, 'identity.revokeRole', { roleId }));
      const [summary] = await call(ctx, 'identity.getPersons', { personIds: [registered.personId] });
      if (!summary) throw notFound('person');
      const { $set, $unset } = personUpdate(summary);
      for (const key of ['validFrom', 'validUntil'] as const) if (!window[key]) $unset[key] = 1;
      if (applicationWindows.length === 0) $unset.applicationWindows = 1;
      const key = { _id: membershipId({ personId: registered.personId, enterpriseNumber, quality: type }) };
      const update = {
        $set: {
          ...$set,
          personId: registered.personId,
          enterpriseNumber,
          quality: type,
          roleId,
          kind: 'user',
          status: 'active',
          applications,
          ...(applicationWindows.length ? { applicationWindows } : {}),
          ...window,
          windowSetAt: new Date(),
          ...(companyEmail ? { companyEmail } : {}),
          ...(externalId ? { externalId } : {}),
        },
        ...(Object.keys($unset).length ? { $unset } : {}),
      };
      // The membership's one writer (identity.role.changed for a user's role is this write's echo,
      // see sync.ts); an upsert, so that a record left by an earlier, interrupted registration is replaced.
      await models.Membership.updateOne(key, update, { upsert: true });
      return { personId: registered.personId, roleId, created: registered.created };
    });
    await sync.announce(ctx, { memberships: [membershipId({ personId: result.personId, enterpriseNumber, quality: type })] });
    await recordAudit(ctx, {
      enterpriseNumber,
      quality: type,
      action: 'user.registered',
      target: { type: 'person', id: result.personId },
      after: {
        roleId: result.roleId,
        applications,
        ...(applicationWindows.length ? { applicationGrants: applicationWindows.map((w) => ({ code: w.code, ...windowView(w, Date.now()) })) } : {}),
        ...(validFrom ? { validFrom } : {}),
        ...(validUntil ? { validUntil } : {}),
        ...(companyEmail ? { companyEmail } : {}),
        personCreated: result.created,
      },
    });
    return result;
  };

  const setStatus = async (ctx: Ctx, { enterpriseNumber, type, personId, status }: { enterpriseNumber: string; type: QualityType; personId: string; status: 'active' | 'blocked' }) => {
    const verb = status === 'blocked' ? 'block' : 'unblock';
    await requireActiveQuality(ctx, enterpriseNumber, type);
    const m = await user(enterpriseNumber, type, personId);
    // identity first: a blocked role ends its sessions at once.
    await call(ctx, 'identity.setRoleStatus', { roleId: m.roleId, status });
    const after = await models.Membership.findOneAndUpdate({ _id: m._id }, { $set: { status } }, { returnDocument: 'after' }).lean();
    if (!after) throw notFound('user');
    await sync.announce(ctx, { memberships: [m._id] });
    await recordAudit(ctx, { enterpriseNumber, quality: type, action: `user.${verb}ed`, target: { type: 'person', id: personId }, before: { status: m.status }, after: { status } });
    return userView(after);
  };

  const remove = async (ctx: Ctx, { enterpriseNumber, type, personId }: { enterpriseNumber: string; type: QualityType; personId: string }) => {
    await requireActiveQuality(ctx, enterpriseNumber, type);
    const m = await user(enterpriseNumber, type, personId);
    await call(ctx, 'identity.revokeRole', { roleId: m.roleId });
    await models.Membership.deleteOne({ _id: m._id });
    await sync.announce(ctx, { memberships: [m._id] });
    await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'user.deleted', target: { type: 'person', id: personId }, before: { roleId: m.roleId, status: m.status, applications: m.applications } });
    return null;
  };

  return { requireActiveQuality, member, user, register, setStatus, remove };
}

export function userActions(models: UserManagementModels, sync: Sync): Record<string, ActionSchema> {
  const { requireActiveQuality, member, user, register, setStatus, remove } = userUseCases(models, sync);

  return {
    ...defineAction('user-management.register', async ({ enterpriseNumber, type, body }, ctx) => register(ctx, { enterpriseNumber, type, body })),

    ...defineAction('user-management.get', async ({ enterpriseNumber, type, personId }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      return userView(await member(enterpriseNumber, type, personId));
    }),

    ...defineAction('user-management.update', async ({ enterpriseNumber, type, personId, changes }, ctx) => {
      const grants = checkGrants(type, changes.applications);
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const before = await user(enterpriseNumber, type, personId);
      const windowChanged = changes.validFrom !== undefined || changes.validUntil !== undefined;
      const window = storedWindow(mergeWindow(before, { validFrom: changes.validFrom, validUntil: changes.validUntil }));
      if (windowChanged) ensureWindow(window);
      const set: Record<string, unknown> = {};
      const unset: Record<string, 1> = {};
      if (changes.language !== undefined || changes.emails !== undefined) {
        const seen = new Set<string>();
        const emails = changes.emails?.filter((e) => !seen.has(e.toLowerCase()) && seen.add(e.toLowerCase()));
        const person = await call(ctx, 'identity.updatePerson', { personId, language: changes.language, emails });
        Object.assign(set, personUpdate(person).$set);
      }
      if (grants || windowChanged) set.windowSetAt = new Date();
      if (grants) {
        set.applications = grants.applications;
        if (grants.applicationWindows.length) set.applicationWindows = grants.applicationWindows;
        else unset.applicationWindows = 1;
      }
      if (windowChanged) {
        // identity first: the role's sessions follow the new window at once.
        await call(ctx, 'identity.setRoleWindow', { roleId: before.roleId, validFrom: changes.validFrom, validUntil: changes.validUntil });
        for (const key of ['validFrom', 'validUntil'] as const) {
          if (window[key]) set[key] = window[key];
          else unset[key] = 1;
        }
      }
      if (changes.companyEmail === null) unset.companyEmail = 1;
      else if (changes.companyEmail !== undefined) set.companyEmail = changes.companyEmail;
      const after = await models.Membership.findOneAndUpdate(
        { _id: before._id },
        { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { returnDocument: 'after' },
      ).lean();
      if (!after) throw notFound('user');
      await sync.announce(ctx, { memberships: [before._id] });
      const pick = (m: MembershipDoc) => ({
        language: m.language,
        emails: m.emails,
        applications: m.applications,
        applicationGrants: userView(m).applicationGrants.filter((g) => g.validFrom || g.validUntil),
        companyEmail: m.companyEmail ?? null,
        validFrom: isoOf(m.validFrom) ?? null,
        validUntil: isoOf(m.validUntil) ?? null,
      });
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'user.updated', target: { type: 'person', id: personId }, before: pick(before), after: pick(after) });
      return userView(after);
    }),

    ...defineAction('user-management.remove', async (params, ctx) => remove(ctx, params)),

    ...defineAction('user-management.setStatus', async (params, ctx) => setStatus(ctx, params)),

    ...defineAction('user-management.resetPassword', async ({ enterpriseNumber, type, personId, body }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      await user(enterpriseNumber, type, personId);
      await call(ctx, 'identity.setPassword', { personId, password: body.password });
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'user.password-reset', target: { type: 'person', id: personId } });
      return null;
    }),
  };
}
