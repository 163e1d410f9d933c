/**
 * Finding a person by username or NISS through `person_keys` (model.ts): one lookup by `_id` for
 * the key, one for the person. A key is believed only if the person still carries that value, so
 * a key left behind (a discarded person) finds nobody.
 */
import { Types } from 'mongoose';
import type { IdentityContext } from './context.js';
import type { PersonDoc } from './model.js';

/** An id no person has (ObjectIds are made from the time, never zero). */
const NOBODY = new Types.ObjectId('000000000000000000000000');

const usernameKey = (username: string) => `username:${username}`;
const nissKey = (niss: string) => `niss:${niss}`;

type Keyed = { _id: Types.ObjectId; niss?: string | null; account?: { username?: string | null } | null };

function keysOf(person: Keyed): string[] {
  return [person.niss ? nissKey(person.niss) : undefined, person.account?.username ? usernameKey(person.account.username) : undefined].filter(
    (key): key is string => key !== undefined,
  );
}

/** Records the person's keys (after the person is stored: its unique indexes decided first). */
export async function recordPersonKeys(ic: IdentityContext, person: Keyed): Promise<void> {
  await Promise.all(
    keysOf(person).map((key) =>
      ic.models.PersonKey.updateOne({ _id: key }, { $set: { personId: person._id } }, { upsert: true }).catch((err: unknown) => {
        // Two concurrent upserts of one key: the loser's insert meets the winner's; the key exists now.
        if ((err as { code?: unknown }).code !== 11000) throw err;
        return ic.models.PersonKey.updateOne({ _id: key }, { $set: { personId: person._id } });
      }),
    ),
  );
}

/** Removes the keys that point to this person (before the person is deleted). */
export async function forgetPersonKeys(ic: IdentityContext, person: Keyed): Promise<void> {
  await Promise.all(
    keysOf(person).map(async (key) => {
      const stored = await ic.models.PersonKey.findById(key).lean();
      if (stored && String(stored.personId) === String(person._id)) await ic.models.PersonKey.deleteOne({ _id: key });
    }),
  );
}

async function byKey(ic: IdentityContext, key: string, carries: (person: PersonDoc) => boolean): Promise<PersonDoc | null> {
  const stored = await ic.models.PersonKey.findById(key).lean();
  // An unknown key still costs the person's read (of an id nobody has): a login looks the same either way.
  const person = (await ic.models.Person.findById(stored?.personId ?? NOBODY).lean()) as PersonDoc | null;
  return stored && person && carries(person) ? person : null;
}

export function findPersonByUsername(ic: IdentityContext, username: string): Promise<PersonDoc | null> {
  return byKey(ic, usernameKey(username), (person) => person.account?.username === username);
}

export function findPersonByNiss(ic: IdentityContext, niss: string): Promise<PersonDoc | null> {
  return byKey(ic, nissKey(niss), (person) => person.niss === niss);
}
