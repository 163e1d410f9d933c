/**
 * Self-service of the calling person (GET/PATCH /me, PUT /me/password): any session, no role
 * needed, and only ever the caller's own data (the person comes from the session, not the input).
 */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { isCurrentAt, nextBoundaryAfter } from '@um/domain';
import type { AuthMethod, HeldRole, OwnIdentity } from '@um/contracts';
import { ClientProblem, defineAction, emitEvent, notFound, requirePrincipal } from '@um/platform';
import { auditPerson } from '../audit.js';
import type { IdentityContext } from '../context.js';
import type { PersonDoc, RoleDoc } from '../model.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { LoginThrottle } from '../throttle.js';
import { refusalProblem, roleView, sessionsChanged } from './sessions.js';

/** What GET /me shows of a person, as stored: the person (no credentials) and every role held. */
export interface OwnRecord {
  person: Pick<PersonDoc, 'firstName' | 'lastName' | 'title' | 'niss' | 'language' | 'emails'> & { _id: unknown; account?: { username?: string | null } | null };
  roles: Array<Pick<RoleDoc, '_id' | 'kind' | 'enterpriseNumber' | 'quality' | 'validFrom' | 'validUntil' | 'status'>>;
}

/** Two reads by index (the person by `_id`, the roles by `personId`); kept in `ic.persons` until either changes. */
async function readOwn(ic: IdentityContext, personId: string): Promise<OwnRecord | undefined> {
  const id = new Types.ObjectId(personId);
  const [person, roles] = await Promise.all([
    ic.models.Person.findById(id, { 'account.username': 1, firstName: 1, lastName: 1, title: 1, niss: 1, language: 1, emails: 1 }).lean(),
    ic.models.Role.find({ personId: id }, { kind: 1, enterpriseNumber: 1, quality: 1, validFrom: 1, validUntil: 1, status: 1, createdAt: 1 }).sort({ createdAt: 1 }).lean(),
  ]);
  return person ? { person, roles } : undefined;
}

/**
 * The caller's person and the roles held (GET /me's identity part): the gateway adds what each role
 * reaches, which user-management decides, so that identity calls no service above it.
 */
export async function ownIdentity(ic: IdentityContext, personId: string, authMethods: AuthMethod[]): Promise<OwnIdentity> {
  const own = await ic.persons.read(personId, () => readOwn(ic, personId));
  if (!own) throw notFound('person');
  const { person, roles } = own;
  const now = Date.now();
  const listable = roles.filter((r) => r.status === 'active' || r.status === 'blocked');
  const changesAt = nextBoundaryAfter(listable, now);
  return {
    personId: String(person._id),
    ...(person.account?.username ? { username: person.account.username } : {}),
    firstName: person.firstName,
    lastName: person.lastName,
    ...(person.title ? { title: person.title } : {}),
    ...(person.niss ? { niss: person.niss } : {}),
    language: person.language as OwnIdentity['language'],
    emails: person.emails,
    // Time-bound access: a role outside its window is not offered (as at login).
    roles: listable.filter((r) => isCurrentAt(r, now)).map((r) => ({ ...roleView(r), status: r.status as HeldRole['status'] })),
    authMethods,
    ...(changesAt !== undefined ? { changesAt: new Date(changesAt).toISOString() } : {}),
  };
}

export function meActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.getMe', async (_input, ctx) => {
      const principal = requirePrincipal(ctx);
      return ownIdentity(ic, principal.personId, principal.authMethods ?? []);
    }),

    ...defineAction('identity.updateMe', async ({ language, emails }, ctx) => {
      const { personId } = requirePrincipal(ctx);
      const set: Record<string, unknown> = {};
      if (language) set.language = language;
      if (emails) {
        // The same address twice (in any case) is kept once, in the order given.
        const seen = new Set<string>();
        set.emails = emails.filter((e) => !seen.has(e.toLowerCase()) && seen.add(e.toLowerCase()));
      }
      if (Object.keys(set).length > 0) {
        const before = await ic.models.Person.findOneAndUpdate({ _id: new Types.ObjectId(personId) }, { $set: set }, { returnDocument: 'before' }).lean();
        if (!before) throw notFound('person');
        await ic.persons.changed(ctx, [personId]);
        await emitEvent(ctx, 'identity.person.changed', { personId });
        const was = { language: before.language, emails: before.emails };
        const changed = Object.keys(set).filter((key) => JSON.stringify(was[key as keyof typeof was]) !== JSON.stringify(set[key]));
        if (changed.length > 0) {
          await auditPerson(ic, ctx, {
            action: 'person.updated',
            personId,
            before: Object.fromEntries(changed.map((key) => [key, was[key as keyof typeof was]])),
            after: Object.fromEntries(changed.map((key) => [key, set[key]])),
            selfService: true,
          });
        }
        // The cached principals carry the language problems are answered in: read them again.
        if (language) await sessionsChanged(ic, ctx, { personId });
      }
      return ownIdentity(ic, personId, requirePrincipal(ctx).authMethods ?? []);
    }),

    // The current password is required (a stolen session alone cannot take the account over) and
    // its wrong guesses count against the account like failed logins. Every session ends, the
    // caller's included: the caller logs in again with the new password.
    ...defineAction('identity.changePassword', async ({ currentPassword, newPassword }, ctx) => {
      const { personId } = requirePrincipal(ctx);
      const id = new Types.ObjectId(personId);
      const person = await ic.models.Person.findById(id, { account: 1 }).lean();
      const account = person?.account;
      if (!account) throw notFound('account');
      // Counted against the username, as failed logins are: one lock for both ways of guessing.
      const reservation = await ic.throttle.reserve([{ kind: 'username', key: LoginThrottle.usernameKey(account.username) }]);
      if (reservation.refusal) throw refusalProblem(reservation.refusal);
      const verification = await verifyPassword(currentPassword, account.passwordHash, ic.cost);
      if (!verification.ok) {
        ic.logger.info({ personId }, 'password change refused: wrong current password');
        const reached = await reservation.failed();
        await auditPerson(ic, ctx, { action: 'password.change-refused', personId, after: { reason: 'wrong current password' } });
        if (reached.includes('username')) await auditPerson(ic, ctx, { action: 'login.locked', personId });
        throw new ClientProblem('CURRENT_PASSWORD_WRONG', 'the current password is wrong', {
          errors: [{ field: 'currentPassword', code: 'CURRENT_PASSWORD_WRONG', message: 'wrong password' }],
        });
      }
      await reservation.succeeded();
      if (newPassword === currentPassword) {
        throw new ClientProblem('PASSWORD_REUSED', 'the new password must differ from the current one', {
          errors: [{ field: 'newPassword', code: 'PASSWORD_REUSED', message: 'same as the current password' }],
        });
      }
      const now = new Date();
      // Only over the hash just verified: of two concurrent changes, the second one is refused.
      const result = await ic.models.Person.updateOne(
        { _id: id, 'account.passwordHash': account.passwordHash },
        { $set: { 'account.passwordHash': await hashPassword(newPassword, ic.cost), 'account.passwordChangedAt': now }, $unset: { 'account.mustChangePassword': 1 } },
      );
      if (result.matchedCount === 0) throw new ClientProblem('CONFLICT', 'the password was changed meanwhile');
      // identity.authenticate already refuses sessions older than passwordChangedAt; ending them
      // here as well keeps the sessions collection truthful.
      await ic.models.Session.updateMany({ personId: id, endedAt: { $exists: false } }, { $set: { endedAt: now } });
      await sessionsChanged(ic, ctx, { personId });
      await emitEvent(ctx, 'identity.account.changed', { personId, status: account.status as 'active' | 'blocked' | 'deleted' });
      await auditPerson(ic, ctx, { action: 'password.changed', personId, selfService: true });
      return null;
    }),
  };
}
