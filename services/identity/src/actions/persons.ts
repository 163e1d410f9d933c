/** Persons and their accounts: created by NISS (an existing person is reused), read as contacts. */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { ClientProblem, defineAction, isDuplicateKey, notFound } from '@um/platform';
import { mismatchedNames } from '@um/domain';
import type { PersonInput } from '@um/contracts';
import type { IdentityContext } from '../context.js';
import { NO_PASSWORD_HASH, hashPassword } from '../passwords.js';
import { findPersonByNiss } from '../person-keys.js';

/**
 * A known NISS is the person it names: reused as they are, never rewritten (their names, language,
 * e-mails and credentials stay theirs, PRODUCT.md §7.1). Names sent must be theirs, ignoring case
 * and accents, so that a typo in a NISS cannot silently make someone else a member.
 */
function reuse(existing: { _id: unknown; firstName: string; lastName: string }, person: PersonInput): { personId: string; created: false } {
  const errors = mismatchedNames(existing, person).map((field) => ({ field, code: 'PERSON_MISMATCH', message: 'differs from the name of the person known by this NISS' }));
  if (errors.length > 0) throw new ClientProblem('PERSON_MISMATCH', 'a person with this NISS is known under another name', { errors });
  return { personId: String(existing._id), created: false };
}

/**
 * `withoutPassword`: a new person gets an account with no usable password that must be changed
 * (bulk import: files carry no passwords); a manager's or the contact centre's reset, or an eID
 * login, opens it.
 */
export async function findOrCreatePerson(ic: IdentityContext, person: PersonInput, options: { withoutPassword?: boolean } = {}): Promise<{ personId: string; created: boolean }> {
  const existing = await findPersonByNiss(ic, person.niss);
  if (existing) return reuse(existing, person);
  const needsPassword = !options.withoutPassword;
  if (!person.username || (needsPassword && !person.password)) {
    const errors = [
      ...(person.username ? [] : [{ field: 'username', code: 'VALIDATION_FAILED', message: 'required for a new person' }]),
      ...(person.password || !needsPassword ? [] : [{ field: 'password', code: 'VALIDATION_FAILED', message: 'required for a new person' }]),
    ];
    throw new ClientProblem('VALIDATION_FAILED', `a new person needs a username${needsPassword ? ' and a password' : ''}`, { errors });
  }
  const passwordHash = person.password && needsPassword ? await hashPassword(person.password, ic.cost) : NO_PASSWORD_HASH;
  try {
    const created = await ic.models.Person.create({
      niss: person.niss,
      firstName: person.firstName,
      lastName: person.lastName,
      title: person.title,
      language: person.language,
      emails: person.email ? [person.email] : [],
      account: { username: person.username, passwordHash, status: 'active', passwordChangedAt: new Date(), ...(needsPassword ? {} : { mustChangePassword: true }) },
    });
    return { personId: String(created._id), created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Which unique index refused the insert is read from the data, not from the error's text.
    // Another request created the same person (same NISS) meanwhile: reuse it.
    const raced = await ic.models.Person.findOne({ niss: person.niss }, { _id: 1, firstName: 1, lastName: 1 }).lean();
    if (raced) return reuse(raced, person);
    if (await ic.models.Person.exists({ 'account.username': person.username })) {
      throw new ClientProblem('USERNAME_TAKEN', 'this username is already used', {
        errors: [{ field: 'username', code: 'USERNAME_TAKEN', message: 'already used' }],
      });
    }
    throw err;
  }
}

export function personActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.registerPerson', async ({ person, withoutPassword }) => findOrCreatePerson(ic, person, { withoutPassword })),

    // Compensation of a failed multi-step change: removes a person only while nothing refers to it.
    ...defineAction('identity.discardPerson', async ({ personId }) => {
      const roles = await ic.models.Role.countDocuments({ personId: new Types.ObjectId(personId) });
      if (roles > 0) return null;
      await ic.models.Person.deleteOne({ _id: new Types.ObjectId(personId) });
      return null;
    }),

    ...defineAction('identity.getContact', async ({ personId }) => {
      const person = await ic.models.Person.findById(personId).lean();
      if (!person) throw notFound('person');
      return {
        personId: String(person._id),
        firstName: person.firstName,
        lastName: person.lastName,
        ...(person.title ? { title: person.title } : {}),
        language: person.language,
        ...(person.emails[0] ? { email: person.emails[0] } : {}),
      };
    }),
  };
}
