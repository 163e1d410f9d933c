/** Persons and their accounts: created by NISS (an existing person is reused), read as contacts. */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import { ClientProblem, defineAction, isDuplicateKey, notFound } from '@um/platform';
import { mismatchedNames } from '@um/domain';
import type { FieldError, ItemProblem, PersonInput, PersonSummary } from '@um/contracts';
import { personSummary } from './people.js';
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
 * `withoutPassword`: a new person gets an account with no usable password (bulk import: files
 * carry no passwords); a manager's or the contact centre's reset gives it one, an eID login needs none.
 */
/** The stored form of a new person and their account (a password-less one has no usable password until a reset). */
async function newPerson(ic: IdentityContext, person: PersonInput & { username: string }, withPassword: boolean) {
  const passwordHash = withPassword && person.password ? await hashPassword(person.password, ic.cost) : NO_PASSWORD_HASH;
  return {
    niss: person.niss,
    firstName: person.firstName,
    lastName: person.lastName,
    title: person.title,
    language: person.language,
    emails: person.email ? [person.email] : [],
    // Without a password the account is not flagged mustChangePassword: that flag would hold an eID
    // login at 403 PASSWORD_CHANGE_REQUIRED, and PUT /me/password needs a current password the
    // person never had. No password matches NO_PASSWORD_HASH, so a password login fails until a reset.
    account: { username: person.username, passwordHash, status: 'active' as const, passwordChangedAt: new Date() },
  };
}

/** A refusal as one item of a bulk answer; anything else (the store down) fails the whole call. */
export function itemProblem(err: unknown): ItemProblem {
  if (!(err instanceof ClientProblem)) throw err;
  const errors = (err.data as { errors?: FieldError[] } | undefined)?.errors;
  return { problem: { code: err.type, message: err.message, ...(errors ? { errors } : {}) } };
}

/**
 * `findOrCreatePerson` for many persons (bulk import): the known ones are found with one query, the
 * new ones inserted with one; an item the insert refused (a NISS or username taken meanwhile) goes
 * through `findOrCreatePerson` alone, whose rules decide it.
 */
export async function findOrCreatePersons(
  ic: IdentityContext,
  persons: PersonInput[],
  options: { withoutPassword?: boolean } = {},
): Promise<Array<{ personId: string; created: boolean; person?: PersonSummary } | ItemProblem>> {
  const known = new Map(
    (await ic.models.Person.find({ niss: { $in: persons.map((p) => p.niss) } }, { _id: 1, niss: 1, firstName: 1, lastName: 1, title: 1, language: 1, emails: 1, account: 1 }).lean()).map((p) => [p.niss, p]),
  );
  const fresh = persons.filter((p) => !known.has(p.niss) && p.username && (options.withoutPassword || p.password));
  const ids = new Map(fresh.map((p) => [p.niss, new Types.ObjectId()]));
  let complete = true;
  const docs = await Promise.all(fresh.map(async (p) => ({ _id: ids.get(p.niss)!, ...(await newPerson(ic, p as PersonInput & { username: string }, !options.withoutPassword)) })));
  const freshByNiss = new Map(docs.map((d) => [d.niss, d]));
  if (fresh.length > 0) {
    complete = await ic.models.Person.insertMany(docs, { ordered: false }).then(
      () => true,
      (err: unknown) => {
        // Some were refused by a unique index: each is decided alone below.
        if (!isDuplicateKey(err) && !(err as { writeErrors?: unknown }).writeErrors) throw err;
        return false;
      },
    );
  }
  // Which were inserted is read back only when some were refused (one more query, by `_id`).
  const inserted = new Set(
    complete ? [...ids.values()].map(String) : (await ic.models.Person.find({ _id: { $in: [...ids.values()] } }, { _id: 1 }).lean()).map((p) => String(p._id)),
  );
  const results: Array<{ personId: string; created: boolean; person?: PersonSummary } | ItemProblem> = [];
  for (const person of persons) {
    const existing = known.get(person.niss);
    const id = ids.get(person.niss);
    try {
      if (existing) results.push({ ...reuse(existing, person), person: personSummary(existing as Parameters<typeof personSummary>[0]) });
      else if (id && inserted.has(String(id))) results.push({ personId: String(id), created: true, person: personSummary(freshByNiss.get(person.niss)!) });
      else results.push(await findOrCreatePerson(ic, person, options));
    } catch (err) {
      results.push(itemProblem(err));
    }
  }
  return results;
}

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
  try {
    const created = await ic.models.Person.create(await newPerson(ic, person as PersonInput & { username: string }, needsPassword));
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
    ...defineAction('identity.registerPersons', async ({ persons, withoutPassword }) => findOrCreatePersons(ic, persons, { withoutPassword })),

    // Compensation of a failed multi-step change: removes a person only while nothing refers to it.
    ...defineAction('identity.discardPerson', async ({ personId }, ctx) => {
      const roles = await ic.models.Role.countDocuments({ personId: new Types.ObjectId(personId) });
      if (roles > 0) return null;
      await ic.models.Person.deleteOne({ _id: new Types.ObjectId(personId) });
      await ic.persons.changed(ctx, [personId]);
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
