/**
 * The first contact-centre operator, created at start from UM_BOOTSTRAP_OPERATOR_USERNAME and
 * UM_BOOTSTRAP_OPERATOR_PASSWORD when both are set and that username does not exist yet (with
 * UM_BOOTSTRAP_OPERATOR_IF_NONE, only when no contact-centre operator exists at all: `npm start`
 * generates one for a local store and prints its password when identity says it created it).
 */
import { passwordViolations, usernameViolations } from '@um/domain';
import { isDuplicateKey } from '@um/platform';
import type { IdentityContext } from './context.js';
import { hashPassword } from './passwords.js';
import { recordPersonKeys } from './person-keys.js';

export async function bootstrapOperator(ic: IdentityContext): Promise<void> {
  const username = ic.config.UM_BOOTSTRAP_OPERATOR_USERNAME;
  const password = ic.config.UM_BOOTSTRAP_OPERATOR_PASSWORD;
  if (!username || !password) return;
  const violations = [...usernameViolations(username), ...passwordViolations(password)];
  if (violations.length > 0) {
    throw new Error(`UM_BOOTSTRAP_OPERATOR_USERNAME/PASSWORD break the credential policy: ${violations.join(', ')}`);
  }
  // Once at start, so by the persons themselves (also records the key of an operator stored
  // before person_keys existed).
  const existing = await ic.models.Person.findOne({ 'account.username': username }, { niss: 1, account: 1 }).lean();
  if (existing) return recordPersonKeys(ic, existing);
  if (ic.config.UM_BOOTSTRAP_OPERATOR_IF_NONE && (await ic.models.Role.exists({ kind: 'contact-centre' }))) return;
  try {
    const person = await ic.models.Person.create({
      firstName: 'Contact',
      lastName: 'Centre',
      language: 'en',
      account: {
        username,
        passwordHash: await hashPassword(password, ic.cost),
        status: 'active',
        passwordChangedAt: new Date(),
        // A generated password shown in a terminal is changed at first use, where accounts can say so.
        ...(ic.config.UM_BOOTSTRAP_OPERATOR_IF_NONE && ic.models.Person.schema.path('account.passwordChangeRequired') ? { passwordChangeRequired: true } : {}),
      },
    });
    await recordPersonKeys(ic, person);
    await ic.models.Role.create({ personId: person._id, kind: 'contact-centre' });
    ic.logger.info({ username }, 'bootstrap contact-centre operator created');
  } catch (err) {
    // Another identity instance created it at the same moment.
    if (!isDuplicateKey(err)) throw err;
  }
}
