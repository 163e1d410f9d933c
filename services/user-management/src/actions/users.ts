/**
 * The users of a quality (docs/product.md §2: RAE, co-RAE, and the GL/co-GLs of that quality): register
 * by NISS, read, change (language, e-mails, applications, company e-mail), block, unblock, delete
 * the membership, reset the password. Each reads top-down: validate → load → check → change →
 * persist → announce (every instance's projection) → audit.
 */
import type { ActionSchema, Context } from 'moleculer';
import { APPLICATIONS_BY_QUALITY, isoOf, mergeWindow, validityAt, type ApplicationWindow, type QualityType, type ValidityWindow } from '@um/domain';
import type { ApplicationGrantInput, CallMeta, FieldError, PersonSummary, RegisterUserBody, UserView } from '@um/contracts';
import { ClientProblem, Saga, alreadyHeld, call, defineAction, ensureWindow, isDuplicateKey, notFound, recordAudit, recordAudits, type AuditInput } from '@um/platform';
import { membershipId, personUpdate, storedWindow, type MembershipDoc, type UserManagementModels } from '../model.js';
import type { Sync } from '../sync.js';

export type Ctx = Context<unknown, CallMeta>;
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

/** A registration body whose applications were checked (`checkGrants`): plain codes. */
export type CheckedBody = Omit<RegisterUserBody, 'applications'> & { applications: string[] };

export interface Registration {
  enterpriseNumber: string;
  type: QualityType;
  /** Applications already checked against the quality's catalogue (plain codes: `checkGrants`). */
  body: CheckedBody;
  /** The time-bound applications' windows (`checkGrants`). */
  applicationWindows?: ApplicationWindow[];
  /** A new person gets an account without a usable password (bulk import and SCIM carry none). */
  withoutPassword?: boolean;
  /** The HR system's id of the user (SCIM), kept with the membership. */
  externalId?: string;
}

/**
 * The single registration of a user, shared by `user-management.register` and the bulk import:
 * find or create the person by NISS (identity's rules), grant the user role, write the membership,
 * announce it, audit it. The caller has checked the catalogue and that the quality is active.
 */
export async function registerUser(models: UserManagementModels, sync: Sync, ctx: Ctx, registration: Registration): Promise<{ personId: string; roleId: string; created: boolean }> {
  const { enterpriseNumber, type, withoutPassword } = registration;
  const { companyEmail, applications, validFrom, validUntil, ...person } = registration.body;
  const saga = new Saga(ctx);
  const result = await saga.run(async () => {
    const registered = await call(ctx, 'identity.registerPerson', { person, ...(withoutPassword ? { withoutPassword } : {}) });
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
    const { filter, update } = membershipWrite(summary, {
      enterpriseNumber,
      type,
      roleId,
      applications,
      applicationWindows: registration.applicationWindows ?? [],
      window: { validFrom, validUntil },
      companyEmail,
      externalId: registration.externalId,
    });
    await models.Membership.updateOne(filter, update, { upsert: true });
    return { personId: registered.personId, roleId, created: registered.created };
  });
  await sync.announce(ctx, { memberships: [membershipId({ personId: result.personId, enterpriseNumber, quality: type })] });
  await recordAudit(ctx, registrationAudit(registration, result));
  return result;
}

/**
 * The membership of a registered user: written whole by the registration, its one writer
 * (identity.role.changed for a user's role is this write's echo, see sync.ts); an upsert, so that a
 * record left by an earlier, interrupted registration is replaced.
 */
function membershipWrite(
  person: PersonSummary,
  m: {
    enterpriseNumber: string;
    type: QualityType;
    roleId: string;
    applications: string[];
    applicationWindows?: ApplicationWindow[];
    window?: ValidityWindow;
    companyEmail?: string | undefined;
    externalId?: string | undefined;
  },
) {
  const { $set, $unset } = personUpdate(person);
  const window = storedWindow(m.window ?? {});
  const windows = m.applicationWindows ?? [];
  for (const key of ['validFrom', 'validUntil'] as const) if (!window[key]) $unset[key] = 1;
  if (windows.length === 0) $unset.applicationWindows = 1;
  const filter = { _id: membershipId({ personId: person.personId, enterpriseNumber: m.enterpriseNumber, quality: m.type }) };
  const update = {
    $set: {
      ...$set,
      personId: person.personId,
      enterpriseNumber: m.enterpriseNumber,
      quality: m.type,
      roleId: m.roleId,
      kind: 'user',
      status: 'active',
      applications: m.applications,
      ...(windows.length ? { applicationWindows: windows } : {}),
      ...window,
      windowSetAt: new Date(),
      ...(m.companyEmail ? { companyEmail: m.companyEmail } : {}),
      ...(m.externalId ? { externalId: m.externalId } : {}),
    },
    ...(Object.keys($unset).length ? { $unset } : {}),
  };
  return { filter, update };
}

function registrationAudit(registration: Registration, result: { personId: string; roleId: string; created: boolean }): AuditInput {
  const { companyEmail, applications, validFrom, validUntil } = registration.body;
  const windows = registration.applicationWindows ?? [];
  return {
    enterpriseNumber: registration.enterpriseNumber,
    quality: registration.type,
    action: 'user.registered',
    target: { type: 'person', id: result.personId },
    after: {
      roleId: result.roleId,
      applications,
      ...(windows.length ? { applicationGrants: windows.map((w) => ({ code: w.code, ...windowView(w, Date.now()) })) } : {}),
      ...(validFrom ? { validFrom } : {}),
      ...(validUntil ? { validUntil } : {}),
      ...(companyEmail ? { companyEmail } : {}),
      personCreated: result.created,
    },
  };
}

export type RegistrationOutcome = { personId: string; roleId: string; created: boolean } | { problem: { code: string; message: string; errors?: FieldError[] } };

/**
 * `registerUser` for the planned rows of an import chunk, with one call per step instead of one per
 * row: identity finds or creates the persons (its registration's rules, item by item), grants the
 * roles (its unique role key: a role already held is `created: false`), audits the rows with one
 * call (`recordAudits`), then the memberships are written in one bulk write and announced once. The rows were checked
 * (import-rows.ts) against a look-up of the same chunk just before: a person who holds a role in
 * the quality was `unchanged` or ALREADY_MEMBER there. A row left half-done by an interrupted run
 * (role granted, membership not written) is completed: its role is found, not granted again.
 */
export async function registerUsers(models: UserManagementModels, sync: Sync, ctx: Ctx, registrations: Registration[]): Promise<RegistrationOutcome[]> {
  const outcomes: RegistrationOutcome[] = new Array(registrations.length);
  if (registrations.length === 0) return outcomes;
  const { enterpriseNumber, type } = registrations[0]!;
  const persons = await call(ctx, 'identity.registerPersons', {
    persons: registrations.map(({ body: { companyEmail: _c, applications: _a, validFrom: _f, validUntil: _u, ...person } }) => person),
    withoutPassword: true,
  });
  const pending: number[] = [];
  persons.forEach((p, i) => {
    if ('problem' in p) outcomes[i] = p;
    else pending.push(i);
  });
  if (pending.length === 0) return outcomes;
  const personOf = (i: number) => persons[i] as { personId: string; created: boolean; person?: PersonSummary };
  const grants = await call(ctx, 'identity.grantRoles', { grants: pending.map((i) => ({ personId: personOf(i).personId, kind: 'user' as const, enterpriseNumber, quality: type })) });
  // identity answers most persons' summaries with the registration; the others are read.
  const summaries = new Map(pending.flatMap((i) => (personOf(i).person ? [[personOf(i).personId, personOf(i).person!] as const] : [])));
  const unread = pending.map((i) => personOf(i).personId).filter((id) => !summaries.has(id));
  if (unread.length > 0) for (const p of await call(ctx, 'identity.getPersons', { personIds: unread })) summaries.set(p.personId, p);
  const writes: Array<{ i: number; roleId: string; filter: { _id: string }; update: object }> = [];
  pending.forEach((i, k) => {
    const grant = grants[k]!;
    const summary = summaries.get(personOf(i).personId);
    if ('problem' in grant) outcomes[i] = grant;
    else if (!summary) outcomes[i] = { problem: { code: 'NOT_FOUND', message: 'person not found' } };
    else {
      const { companyEmail, applications } = registrations[i]!.body;
      writes.push({ i, roleId: grant.roleId, ...membershipWrite(summary, { enterpriseNumber, type, roleId: grant.roleId, applications, companyEmail }) });
    }
  });
  for (const w of writes) outcomes[w.i] = { personId: personOf(w.i).personId, roleId: w.roleId, created: personOf(w.i).created };
  // Audited before the memberships are written: a run killed in between leaves rows whose role is
  // granted and membership missing, which a resumed run completes (and audits again). The other
  // way round, rows completed but not audited would read `unchanged` and never be audited.
  await recordAudits(ctx, writes.map((w) => registrationAudit(registrations[w.i]!, outcomes[w.i] as { personId: string; roleId: string; created: boolean })));
  if (writes.length > 0) {
    // New memberships in one insert (one round trip on FerretDB, where a bulk of upserts costs a
    // query each). When some exist already (an interrupted run's), every write is made again as the
    // single path's upsert, which gives the same result whatever the insert did.
    const now = new Date();
    const complete = await models.Membership.insertMany(
      writes.map((w) => ({ _id: w.filter._id, ...(w.update as { $set: object }).$set, createdAt: now, updatedAt: now })),
      { ordered: false },
    ).then(
      () => true,
      (err: unknown) => {
        if (!isDuplicateKey(err) && !(err as { writeErrors?: unknown }).writeErrors) throw err;
        return false;
      },
    );
    if (!complete) await models.Membership.bulkWrite(writes.map((w) => ({ updateOne: { filter: w.filter, update: w.update, upsert: true } })), { ordered: false });
    await sync.announce(ctx, { memberships: writes.map((w) => w.filter._id) });
  }
  return outcomes;
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
    if (!(await sync.qualityActive(ctx, enterpriseNumber, type))) throw notFound('quality');
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
   * applications, company e-mail and, from a SCIM client, the HR system's `externalId` (and, when
   * it sends no password, a new person's account without a usable password until a reset).
   */
  const register = async (ctx: Ctx, registration: Omit<Registration, 'body' | 'applicationWindows'> & { body: RegisterUserBody }) => {
    const { enterpriseNumber, type, body } = registration;
    const { applications, applicationWindows } = checkGrants(type, body.applications) ?? { applications: [], applicationWindows: [] };
    ensureWindow({ validFrom: body.validFrom, validUntil: body.validUntil });
    await requireActiveQuality(ctx, enterpriseNumber, type);
    return registerUser(models, sync, ctx, { ...registration, body: { ...body, applications }, applicationWindows });
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
  const { requireActiveQuality, user, register, setStatus, remove } = userUseCases(models, sync);

  return {
    ...defineAction('user-management.register', async ({ enterpriseNumber, type, body }, ctx) => register(ctx, { enterpriseNumber, type, body })),

    // From the projection, as search answers (this instance's own writes are in it before they
    // are answered, another's once broadcast); the use-cases that change a user read the store.
    ...defineAction('user-management.get', async ({ enterpriseNumber, type, personId }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const m = sync.projection.membership(membershipId({ enterpriseNumber, quality: type, personId }));
      if (!m) throw notFound('user');
      return userView(m);
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
