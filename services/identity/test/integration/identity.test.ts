/** The identity service in-process, against the real NATS and store. */
import { Types } from 'mongoose';
import { IdentityConfig, call, loadConfig } from '@um/platform';
import { buildIdentityService } from '../../src/identity.service';
import { ACCOUNT_POLICY, LoginThrottle, createAttemptModel } from '../../src/throttle';
import { startService, type IntegrationHarness } from '../../../../test/support/broker';
import { GOOD_PASSWORD, personBody } from '../../../../test/support/fixtures';

let h: IntegrationHarness<IdentityConfig>;

beforeAll(async () => {
  h = await startService('identity', buildIdentityService, (env) => loadConfig(IdentityConfig, env));
});
afterAll(async () => {
  await h?.stop();
});

test('when a person is registered twice with the same NISS, then the same person is returned', async () => {
  const person = personBody();
  const first = await call(h.broker, 'identity.registerPerson', { person });
  const second = await call(h.broker, 'identity.registerPerson', { person: { ...person, username: undefined, password: undefined } });
  expect(first.created).toBe(true);
  expect(second).toEqual({ personId: first.personId, created: false });
});

test('when a password hash is stored, then it is argon2id with the configured cost and not the password', async () => {
  const person = personBody();
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  const stored = await h.db.collection('persons').findOne({ niss: person.niss });
  expect(String(stored?._id)).toBe(personId);
  expect(stored?.account.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(JSON.stringify(stored)).not.toContain(GOOD_PASSWORD);
});

test('when a username is taken, then USERNAME_TAKEN', async () => {
  const a = personBody();
  await call(h.broker, 'identity.registerPerson', { person: a });
  const err = await call(h.broker, 'identity.registerPerson', { person: personBody({ username: a.username }) }).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'USERNAME_TAKEN', code: 409 });
});

test('when an exclusive role is granted to a second person, then CONFLICT; the same grant again is a no-op', async () => {
  const a = await call(h.broker, 'identity.registerPerson', { person: personBody() });
  const b = await call(h.broker, 'identity.registerPerson', { person: personBody() });
  const grant = { kind: 'access-manager' as const, enterpriseNumber: '0403170701' };
  const first = await call(h.broker, 'identity.grantRole', { personId: a.personId, ...grant });
  expect(first.created).toBe(true);
  expect(await call(h.broker, 'identity.grantRole', { personId: a.personId, ...grant })).toEqual({ roleId: first.roleId, created: false });
  const err = await call(h.broker, 'identity.grantRole', { personId: b.personId, ...grant }).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'CONFLICT' });
});

test('when 50 wrong passwords arrive in parallel, then each checked failure is counted exactly once', async () => {
  const person = personBody();
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  const attempts = await Promise.allSettled(
    Array.from({ length: 50 }, () => call(h.broker, 'identity.login', { username: person.username, password: 'Wrong#12345', sourceIp: '10.1.1.1' })),
  );
  const types = attempts.map((a) => (a.status === 'rejected' ? (a.reason as { type?: string }).type : 'OK'));
  expect(types.every((t) => t === 'INVALID_CREDENTIALS' || t === 'ACCOUNT_LOCKED')).toBe(true);
  const invalid = types.filter((t) => t === 'INVALID_CREDENTIALS').length;
  const throttle = new LoginThrottle(createAttemptModel(h.db));
  expect(await throttle.count(LoginThrottle.accountKey(personId))).toBe(invalid);
  // A burst cannot buy more guesses than the threshold (plus those already in flight together).
  expect(invalid).toBeLessThan(50);
});

test('when wrong passwords arrive one by one, then the 6th attempt is locked, even with the right password', async () => {
  const person = personBody();
  await call(h.broker, 'identity.registerPerson', { person });
  const login = (password: string) =>
    call(h.broker, 'identity.login', { username: person.username, password, sourceIp: '10.2.2.2' }).then(
      () => 'OK',
      (e: { type?: string; data?: { retryAfterSeconds?: number } }) => e.type,
    );
  for (let i = 0; i < ACCOUNT_POLICY.threshold; i += 1) expect(await login('Wrong#12345')).toBe('INVALID_CREDENTIALS');
  expect(await login(GOOD_PASSWORD)).toBe('ACCOUNT_LOCKED');
});

test('when the right password follows fewer failures than the threshold, then it logs in and the count restarts', async () => {
  const person = personBody();
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  const throttle = new LoginThrottle(createAttemptModel(h.db));
  for (let i = 0; i < 3; i += 1) {
    await call(h.broker, 'identity.login', { username: person.username, password: 'Wrong#12345', sourceIp: '10.3.3.3' }).catch(() => undefined);
  }
  expect(await throttle.count(LoginThrottle.accountKey(personId))).toBe(3);
  const ok = await call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '10.3.3.3' });
  expect(ok.token).toEqual(expect.any(String));
  expect(await throttle.count(LoginThrottle.accountKey(personId))).toBe(0);
});

test('when params break the contract, then the action answers a 400 problem naming the field', async () => {
  const err = await call(h.broker, 'identity.registerPerson', { person: personBody({ niss: '123' }) }).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'NISS_INVALID', code: 400, data: { errors: [expect.objectContaining({ field: 'person.niss' })] } });
});

test('when 12 correct logins of one account run in parallel, then all succeed and none counts as a failure', async () => {
  const person = personBody();
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  const logins = await Promise.allSettled(
    Array.from({ length: 12 }, () => call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '10.4.4.4' })),
  );
  expect(logins.map((l) => l.status)).toEqual(Array(12).fill('fulfilled'));
  expect(await new LoginThrottle(createAttemptModel(h.db)).count(LoginThrottle.accountKey(personId))).toBe(0);
});

test('when a person is registered, then their username and NISS are keys that a login and a registration find them by; a discarded person leaves none', async () => {
  const person = personBody();
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  const keys = await h.db.collection('person_keys').find({ personId: { $exists: true } }).toArray();
  const mine = keys.filter((k) => String(k.personId) === personId).map((k) => k._id).sort();
  expect(mine).toEqual([`niss:${person.niss}`, `username:${person.username}`]);
  const login = await call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '203.0.113.7' });
  expect(login.token).toEqual(expect.any(String));

  // A key whose person no longer carries the value finds nobody.
  await h.db.collection('person_keys').updateOne({ _id: `username:${person.username}` as never }, { $set: { personId: (await h.db.collection('persons').findOne({ niss: { $ne: person.niss } }))?._id } });
  const stale = await call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '203.0.113.7' }).catch((e: unknown) => e);
  expect(stale).toMatchObject({ type: 'INVALID_CREDENTIALS' });

  const other = personBody();
  const discarded = await call(h.broker, 'identity.registerPerson', { person: other });
  await call(h.broker, 'identity.discardPerson', { personId: discarded.personId });
  expect(await h.db.collection('person_keys').countDocuments({ personId: new Types.ObjectId(discarded.personId) })).toBe(0);
  const again = await call(h.broker, 'identity.registerPerson', { person: other });
  expect(again.created).toBe(true);
});
