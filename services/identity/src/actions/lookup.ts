/** Internal look-ups for other services: the account behind a username (structured-messaging's sender check). */
import type { ActionSchema } from 'moleculer';
import { defineAction } from '@um/platform';
import type { IdentityContext } from '../context.js';
import { findPersonByUsername } from '../person-keys.js';

export function lookupActions(ic: IdentityContext): Record<string, ActionSchema> {
  return {
    ...defineAction('identity.findAccount', async ({ username }) => {
      const person = await findPersonByUsername(ic, username);
      if (!person?.account) return null;
      return { personId: String(person._id), status: person.account.status as 'active' | 'blocked' | 'deleted' };
    }),
  };
}
