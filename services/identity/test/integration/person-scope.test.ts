/**
 * identity enforces the person/membership line itself (PRODUCT.md §7.1): a change of person-level
 * data on a manager's behalf (ctx.meta.principal) is refused with PERSON_OUTSIDE_SCOPE when the
 * person holds any role outside the manager's scope, and then nothing changes.
 */
import { Types } from 'mongoose';
import { IdentityConfig, call, loadConfig } from '@um/platform';
import type { Principal } from '@um/contracts';
import { buildIdentityService } from '../../src/identity.service';
import { startService, type IntegrationHarness } from '../../../../test/support/broker';
import { personBody } from '../../../../test/support/fixtures';

let h: IntegrationHarness<IdentityConfig>;

beforeAll(async () => {
  h = await startService('identity', buildIdentityService, (env) => loadConfig(IdentityConfig, env));
});
afterAll(async () => {
  await h?.stop();
});

const A = '0403170701';
const B = '0202239951';
const actor = (role: NonNullable<Principal['role']>): { meta: { principal: Principal } } => ({
  meta: { principal: { personId: new Types.ObjectId().toHexString(), sessionId: 's', role } },
});
const glAE = actor({ id: 'r1', kind: 'local-manager', enterpriseNumber: A, quality: 'employer' });
const raeA = actor({ id: 'r2', kind: 'access-manager', enterpriseNumber: A });
const cc = actor({ id: 'r3', kind: 'contact-centre' });

async function personWith(roles: Array<{ kind: 'user' | 'access-manager' | 'co-access-manager'; enterpriseNumber: string; quality?: 'employer' | 'mandatary' }>) {
  const { personId } = await call(h.broker, 'identity.registerPerson', { person: personBody() });
  for (const role of roles) await call(h.broker, 'identity.grantRole', { personId, ...role });
  return personId;
}
const stored = (personId: string) => h.db.collection('persons').findOne({ _id: new Types.ObjectId(personId) });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

test('when B’s GL resets the password of a person who is also the RAE of A, then PERSON_OUTSIDE_SCOPE and the hash is unchanged', async () => {
  const personId = await personWith([
    { kind: 'access-manager', enterpriseNumber: B },
    { kind: 'user', enterpriseNumber: A, quality: 'employer' },
  ]);
  const before = await stored(personId);
  const err = await failure(call(h.broker, 'identity.setPassword', { personId, password: 'Another#2026' }, glAE));
  expect(err).toMatchObject({ type: 'PERSON_OUTSIDE_SCOPE', code: 403 });
  expect((await stored(personId))?.account.passwordHash).toBe(before?.account.passwordHash);
});

test('when a GL edits names of a person who is also a user of another quality, then refused and nothing changes', async () => {
  const personId = await personWith([
    { kind: 'user', enterpriseNumber: A, quality: 'employer' },
    { kind: 'user', enterpriseNumber: A, quality: 'mandatary' },
  ]);
  const err = await failure(call(h.broker, 'identity.updatePerson', { personId, firstName: 'Mallory', language: 'fr' }, glAE));
  expect(err).toMatchObject({ type: 'PERSON_OUTSIDE_SCOPE' });
  expect(await stored(personId)).toMatchObject({ firstName: 'Ann', language: 'nl' });
  // The RAE of A holds both qualities in its scope.
  await call(h.broker, 'identity.updatePerson', { personId, language: 'fr' }, raeA);
  expect(await stored(personId)).toMatchObject({ language: 'fr' });
});

test('when a manager blocks the account of a person with a role elsewhere, then refused; the contact centre may', async () => {
  const personId = await personWith([
    { kind: 'co-access-manager', enterpriseNumber: A },
    { kind: 'user', enterpriseNumber: B, quality: 'employer' },
  ]);
  expect(await failure(call(h.broker, 'identity.setAccountStatus', { personId, status: 'blocked' }, raeA))).toMatchObject({ type: 'PERSON_OUTSIDE_SCOPE' });
  expect((await stored(personId))?.account.status).toBe('active');
  await call(h.broker, 'identity.setAccountStatus', { personId, status: 'blocked' }, cc);
  expect((await stored(personId))?.account.status).toBe('blocked');
});

test('when every role of the person lies in the GL’s quality, then the GL’s reset goes through', async () => {
  const personId = await personWith([{ kind: 'user', enterpriseNumber: A, quality: 'employer' }]);
  const before = await stored(personId);
  await call(h.broker, 'identity.setPassword', { personId, password: 'Another#2026' }, glAE);
  expect((await stored(personId))?.account.passwordHash).not.toBe(before?.account.passwordHash);
});

test('when the caller has a session but no role, then person-level changes are forbidden', async () => {
  const personId = await personWith([{ kind: 'user', enterpriseNumber: A, quality: 'employer' }]);
  const noRole = { meta: { principal: { personId: new Types.ObjectId().toHexString(), sessionId: 's' } } };
  expect(await failure(call(h.broker, 'identity.setPassword', { personId, password: 'Another#2026' }, noRole))).toMatchObject({ type: 'FORBIDDEN' });
});

describe('reusing a known NISS', () => {
  test('when the names sent match ignoring case and accents, then the person is reused as they are (created: false, nothing rewritten)', async () => {
    const person = personBody({ firstName: 'Émile', lastName: 'Dupont' });
    const first = await call(h.broker, 'identity.registerPerson', { person });
    const before = await stored(first.personId);
    const again = await call(h.broker, 'identity.registerPerson', {
      person: { ...person, firstName: 'EMILE', lastName: 'dupont', language: 'fr', email: 'mallory@example.be', username: 'mallory12345', password: 'Another#2026' },
    });
    expect(again).toEqual({ personId: first.personId, created: false });
    const after = await stored(first.personId);
    expect(after).toMatchObject({ firstName: 'Émile', lastName: 'Dupont', language: before?.language, emails: before?.emails });
    expect(after?.account).toEqual(before?.account);
  });

  test('when the names sent differ, then 409 PERSON_MISMATCH naming the field, and nothing changes', async () => {
    const person = personBody();
    const first = await call(h.broker, 'identity.registerPerson', { person });
    const err = await failure(call(h.broker, 'identity.registerPerson', { person: { ...person, firstName: 'Mallory' } }));
    expect(err).toMatchObject({ type: 'PERSON_MISMATCH', code: 409, data: { errors: [{ field: 'firstName', code: 'PERSON_MISMATCH' }] } });
    expect(await stored(first.personId)).toMatchObject({ firstName: 'Ann' });
  });
});
