/** Internal look-ups for other services: the account behind a username (structured-messaging's sender check). */
import type { ActionSchema } from 'moleculer';
import { Types } from 'mongoose';
import { ClientProblem, defineAction, notFound } from '@um/platform';
import { LoginThrottle } from '../throttle.js';
import { personSummary } from './people.js';
import { roleRecord } from './roles.js';
import { auditPerson } from '../audit.js';
import type { IdentityContext } from '../context.js';
import { findPersonByNiss, findPersonByUsername } from '../person-keys.js';

export function lookupActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    // Contact centre (manual ch. 7): a person by NISS or username, with every role they hold.
    ...defineAction('identity.findPersons', async ({ niss, username }) => {
      if ((niss === undefined) === (username === undefined)) {
        const message = 'give exactly one of niss and username';
        throw new ClientProblem('VALIDATION_FAILED', message, { errors: [{ field: niss === undefined ? 'niss' : 'username', code: 'VALIDATION_FAILED', message }] });
      }
      const person = niss !== undefined ? await findPersonByNiss(ic, niss) : await findPersonByUsername(ic, username!);
      if (!person) return { items: [] };
      const roles = await ic.models.Role.find({ personId: person._id }).sort({ createdAt: 1 }).lean();
      return { items: [{ ...personSummary(person), roles: roles.map(roleRecord), passwordChangeRequired: Boolean(person.account?.mustChangePassword) }] };
    }),

    // The failures counted against the person's username are forgotten (an address limit is about
    // the address, not the person, and stays).
    ...defineAction('identity.unlockPerson', async ({ personId }, ctx) => {
      const person = await ic.models.Person.findById(new Types.ObjectId(personId), { account: 1 }).lean();
      if (!person?.account) throw notFound('account');
      const cleared = await ic.throttle.clear([LoginThrottle.usernameKey(person.account.username)]);
      ic.logger.info({ personId, cleared }, 'login lock-out cleared');
      await auditPerson(ic, ctx, { action: 'login.unlocked', personId, after: { cleared } });
      return null;
    }),

    // Manual 4.1.3: before adding a person, a manager sees the names a known NISS carries.
    ...defineAction('identity.lookupPerson', async ({ niss }) => {
      const person = await findPersonByNiss(ic, niss);
      if (!person?.niss) throw notFound('person');
      return { niss: person.niss, firstName: person.firstName, lastName: person.lastName, ...(person.title ? { title: person.title } : {}) };
    }),

    // One query per key over the whole chunk (served by the unique NISS and username indexes).
    ...defineAction('identity.lookupForImport', async ({ nisses, usernames }) => {
      const persons = nisses.length ? await ic.models.Person.find({ niss: { $in: nisses } }, { niss: 1, firstName: 1, lastName: 1 }).lean() : [];
      const roles = persons.length ? await ic.models.Role.find({ personId: { $in: persons.map((p) => p._id) } }, { personId: 1, kind: 1, enterpriseNumber: 1, quality: 1 }).lean() : [];
      const taken = usernames.length ? await ic.models.Person.find({ 'account.username': { $in: usernames } }, { account: 1 }).lean() : [];
      const rolesOf = new Map<string, typeof roles>();
      for (const r of roles) rolesOf.set(String(r.personId), [...(rolesOf.get(String(r.personId)) ?? []), r]);
      return {
        persons: persons.map((p) => ({
          personId: String(p._id),
          niss: p.niss ?? '',
          firstName: p.firstName,
          lastName: p.lastName,
          roles: (rolesOf.get(String(p._id)) ?? []).map((r) => ({ roleId: String(r._id), kind: r.kind, ...(r.enterpriseNumber ? { enterpriseNumber: r.enterpriseNumber } : {}), ...(r.quality ? { quality: r.quality } : {}) })),
        })),
        usernamesTaken: taken.flatMap((p) => (p.account?.username ? [p.account.username] : [])),
      };
    }),

    ...defineAction('identity.findAccount', async ({ username }) => {
      const person = await findPersonByUsername(ic, username);
      if (!person?.account) return null;
      return { personId: String(person._id), status: person.account.status as 'active' | 'blocked' | 'deleted' };
    }),
  };
}
