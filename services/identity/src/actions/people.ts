/**
 * Person primitives for managers' use-cases (list, edit, reset a password). Internal: the calling
 * service has checked that its caller manages this person's membership; identity itself checks
 * that the person lies wholly in the caller's scope before changing person-level data.
 */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import type { PersonSummary } from '@um/contracts';
import { defineAction, emitEvent, notFound } from '@um/platform';
import { auditPerson } from '../audit.js';
import type { IdentityContext } from '../context.js';
import type { PersonDoc } from '../model.js';
import { NO_PASSWORD_HASH, hashPassword } from '../passwords.js';
import { ensureMayChangePerson } from '../person-scope.js';
import { sessionsChanged } from './sessions.js';

export function personSummary(person: Pick<PersonDoc, '_id' | 'niss' | 'firstName' | 'lastName' | 'title' | 'language' | 'emails' | 'account'>): PersonSummary {
  return {
    personId: String(person._id),
    ...(person.niss ? { niss: person.niss } : {}),
    ...(person.account?.username ? { username: person.account.username } : {}),
    firstName: person.firstName,
    lastName: person.lastName,
    ...(person.title ? { title: person.title } : {}),
    language: person.language,
    emails: person.emails,
    accountStatus: (person.account?.status ?? 'none') as PersonSummary['accountStatus'],
  };
}

export function peopleActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.getPersons', async ({ personIds }) => {
      // One find through the _id index, answered in the order asked.
      const ids = personIds.filter((id) => Types.ObjectId.isValid(id)).map((id) => new Types.ObjectId(id));
      const found = new Map((await ic.models.Person.find({ _id: { $in: ids } }).lean()).map((person) => [String(person._id), person]));
      return personIds.flatMap((id) => {
        const person = Types.ObjectId.isValid(id) ? found.get(String(new Types.ObjectId(id))) : undefined;
        return person ? [personSummary(person)] : [];
      });
    }),

    // Person-level data: only within the caller's scope (person-scope.ts), checked before anything changes.
    ...defineAction('identity.updatePerson', async ({ personId, ...changes }, ctx) => {
      await ensureMayChangePerson(ic, ctx, personId);
      const set: Record<string, unknown> = {};
      const unset: Record<string, 1> = {};
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        if (value === null) unset[key] = 1;
        else set[key] = value;
      }
      const person = await ic.models.Person.findOneAndUpdate(
        { _id: new Types.ObjectId(personId) },
        { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) },
        { returnDocument: 'after' },
      ).lean();
      if (!person) throw notFound('person');
      await ic.persons.changed(ctx, [personId]);
      await emitEvent(ctx, 'identity.person.changed', { personId });
      // The manager's use-case records it in the enterprise's trail; the person's trail keeps it too.
      await auditPerson(ic, ctx, { action: 'person.updated', personId, after: { ...set, ...Object.fromEntries(Object.keys(unset).map((key) => [key, null])) } });
      return personSummary(person);
    }),

    // A manager's reset: the new password ends every session the person had. The first password of
    // an account that never had one (a bulk import's, a SCIM client's) is someone else's choice: the
    // person must change it at their first login, as after the contact centre's reset (and still
    // must after another reset, until they chose one themselves).
    ...defineAction('identity.setPassword', async ({ personId, password, mustChange: asked }, ctx) => {
      await ensureMayChangePerson(ic, ctx, personId);
      const id = new Types.ObjectId(personId);
      const current = await ic.models.Person.findOne({ _id: id, 'account.username': { $exists: true } }, { 'account.passwordHash': 1, 'account.mustChangePassword': 1 }).lean<{ account?: { passwordHash?: string; mustChangePassword?: boolean | null } }>();
      if (!current) throw notFound('account');
      const mustChange = asked || current.account?.passwordHash === NO_PASSWORD_HASH || Boolean(current.account?.mustChangePassword);
      const passwordHash = await hashPassword(password, ic.cost);
      const result = await ic.models.Person.updateOne(
        { _id: id, 'account.username': { $exists: true } },
        {
          $set: { 'account.passwordHash': passwordHash, 'account.passwordChangedAt': new Date(), ...(mustChange ? { 'account.mustChangePassword': true } : {}) },
          ...(mustChange ? {} : { $unset: { 'account.mustChangePassword': 1 } }),
        },
      );
      if (result.matchedCount === 0) throw notFound('account');
      await sessionsChanged(ic, ctx, { personId });
      await auditPerson(ic, ctx, { action: 'password.reset', personId });
      return null;
    }),
  };
}
