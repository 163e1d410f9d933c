/**
 * Finding a person by a natural key, username or NISS: one find on the persons collection, served
 * by the unique index that also decides who owns that key (model.ts).
 */
import type { IdentityContext } from './context.js';
import type { PersonDoc } from './model.js';

export async function findPersonByUsername(ic: IdentityContext, username: string): Promise<PersonDoc | null> {
  return (await ic.models.Person.findOne({ 'account.username': username }).lean()) as PersonDoc | null;
}

export async function findPersonByNiss(ic: IdentityContext, niss: string): Promise<PersonDoc | null> {
  return (await ic.models.Person.findOne({ niss }).lean()) as PersonDoc | null;
}
