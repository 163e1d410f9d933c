/** The identity service in-process, against the real NATS and store. */
import nodeCrypto from 'node:crypto';
import { Types } from 'mongoose';
import { IdentityConfig, call, loadConfig } from '@um/platform';
import { buildIdentityService } from '../../src/identity.service';
import { LoginThrottle, createAttemptModel, policiesFrom } from '../../src/throttle';
import { startService, type IntegrationHarness } from '../../../../test/support/broker';
import { GOOD_PASSWORD, personBody } from '../../../../test/support/fixtures';
import { indexOfPlan } from '../../../../test/support/plan';

let h: IntegrationHarness<IdentityConfig>;
/** When set, the throttle's clock stands still at this instant. */
let frozenAt: number | undefined;

beforeAll(async () => {
  h = await startService('identity', (deps) => buildIdentityService(deps, { now: () => frozenAt ?? Date.now() }), (env) => loadConfig(IdentityConfig, env));
});
afterEach(() => {
  frozenAt = undefined;
});

const throttle = () => new LoginThrottle(createAttemptModel(h.db), policiesFrom(h.config));
const usernameFailures = (username: string) => throttle().count(LoginThrottle.usernameKey(username), 'username');
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
  await call(h.broker, 'identity.registerPerson', { person });
  const attempts = await Promise.allSettled(
    Array.from({ length: 50 }, () => call(h.broker, 'identity.login', { username: person.username, password: 'Wrong#12345', sourceIp: '10.1.1.1' })),
  );
  const types = attempts.map((a) => (a.status === 'rejected' ? (a.reason as { type?: string }).type : 'OK'));
  // A burst from one address is also held back by the address's in-flight cap (429).
  expect(types.every((t) => t === 'INVALID_CREDENTIALS' || t === 'ACCOUNT_LOCKED' || t === 'TOO_MANY_ATTEMPTS')).toBe(true);
  const invalid = types.filter((t) => t === 'INVALID_CREDENTIALS').length;
  expect(await usernameFailures(person.username)).toBe(invalid);
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
  for (let i = 0; i < h.config.UM_LOGIN_USERNAME_MAX_FAILURES; i += 1) expect(await login('Wrong#12345')).toBe('INVALID_CREDENTIALS');
  expect(await login(GOOD_PASSWORD)).toBe('ACCOUNT_LOCKED');
});

test('when the right password follows fewer failures than the threshold, then it logs in and the count restarts', async () => {
  const person = personBody();
  await call(h.broker, 'identity.registerPerson', { person });
  for (let i = 0; i < 3; i += 1) {
    await call(h.broker, 'identity.login', { username: person.username, password: 'Wrong#12345', sourceIp: '10.3.3.3' }).catch(() => undefined);
  }
  expect(await usernameFailures(person.username)).toBe(3);
  const ok = await call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '10.3.3.3' });
  expect(ok.token).toEqual(expect.any(String));
  expect(await usernameFailures(person.username)).toBe(0);
});

test('when params break the contract, then the action answers a 400 problem naming the field', async () => {
  const err = await call(h.broker, 'identity.registerPerson', { person: personBody({ niss: '123' }) }).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'NISS_INVALID', code: 400, data: { errors: [expect.objectContaining({ field: 'person.niss' })] } });
});

test('when 12 correct logins of one account run in parallel, then all succeed and none counts as a failure', async () => {
  const person = personBody();
  await call(h.broker, 'identity.registerPerson', { person });
  const logins = await Promise.allSettled(
    Array.from({ length: 12 }, () => call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '10.4.4.4' })),
  );
  expect(logins.map((l) => l.status)).toEqual(Array(12).fill('fulfilled'));
  expect(await usernameFailures(person.username)).toBe(0);
});

test('when a person is registered, then a login finds them by username and a registration by NISS, each through the index of that key; a discarded person can be registered again', async () => {
  const person = personBody();
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  const persons = h.db.collection('persons');
  // Enough persons and roles that reading an index is the planner's choice over reading them all.
  const tag = new Types.ObjectId().toHexString();
  await persons.insertMany(Array.from({ length: 3000 }, (_v, i) => ({ firstName: 'Bulk', lastName: 'Person', language: 'en', emails: [], niss: `${tag}-${i}`, account: { username: `${tag}-${i}` } })));
  await h.db.collection('roles').insertMany(Array.from({ length: 3000 }, () => ({ personId: new Types.ObjectId(), kind: 'contact-centre', status: 'active' })));
  expect(indexOfPlan(await persons.find({ 'account.username': person.username }).explain())).toBeDefined();
  expect(indexOfPlan(await persons.find({ niss: person.niss }).explain())).toBeDefined();
  expect(indexOfPlan(await h.db.collection('roles').find({ personId: new Types.ObjectId(personId) }).explain())).toBeDefined();
  const login = await call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '203.0.113.7' });
  expect(login.token).toEqual(expect.any(String));
  expect(await call(h.broker, 'identity.registerPerson', { person: { ...person, username: undefined, password: undefined } })).toEqual({ personId, created: false });

  const other = personBody();
  const discarded = await call(h.broker, 'identity.registerPerson', { person: other });
  await call(h.broker, 'identity.discardPerson', { personId: discarded.personId });
  expect(await persons.countDocuments({ _id: new Types.ObjectId(discarded.personId) })).toBe(0);
  const again = await call(h.broker, 'identity.registerPerson', { person: other });
  expect(again.created).toBe(true);
});

describe('login answers reveal nothing (PRODUCT.md §7.1)', () => {
  /** The error a login ends with, as the gateway would render it (all but the request id). */
  const attempt = (username: string, password: string, sourceIp: string) =>
    call(h.broker, 'identity.login', { username, password, sourceIp }).then(
      (): { type?: string; code?: number; message?: string; data?: unknown } => ({ type: 'OK' }),
      (e: { type?: string; code?: number; message?: string; data?: unknown }) => ({ type: e.type, code: e.code, message: e.message, data: e.data }),
    );

  test('when a known and an unknown username fail attempt after attempt (1 to 9), then each attempt answers the same, the lock included', async () => {
    const person = personBody();
    await call(h.broker, 'identity.registerPerson', { person });
    const unknown = `nobody${Date.now()}`;
    // One instant for both: the lock's remaining seconds are then the same to the second.
    frozenAt = Date.now();
    const threshold = h.config.UM_LOGIN_USERNAME_MAX_FAILURES;
    for (let i = 1; i <= 9; i += 1) {
      // Each from its own address, so that only the username's count is at play.
      const known = await attempt(person.username, 'Wrong#12345', '10.9.0.1');
      const other = await attempt(unknown, 'Wrong#12345', '10.9.0.2');
      expect(other).toEqual(known);
      expect(known.type).toBe(i <= threshold ? 'INVALID_CREDENTIALS' : 'ACCOUNT_LOCKED');
      if (i > threshold) expect(known.data).toEqual({ retryAfterSeconds: h.config.UM_LOGIN_LOCK_SECONDS });
    }
    // Locked, the right password changes nothing either.
    expect(await attempt(person.username, GOOD_PASSWORD, '10.9.0.1')).toEqual(await attempt(unknown, GOOD_PASSWORD, '10.9.0.2'));
  });

  test('when the username is typed in upper case or with spaces, then it counts as the same username', async () => {
    const person = personBody();
    await call(h.broker, 'identity.registerPerson', { person });
    await attempt(` ${person.username.toUpperCase()} `, 'Wrong#12345', '10.9.1.1');
    await attempt(person.username, 'Wrong#12345', '10.9.1.1');
    expect(await usernameFailures(person.username)).toBe(2);
    expect(await attempt(person.username.toUpperCase(), GOOD_PASSWORD, '10.9.1.1')).toEqual({ type: 'OK' });
  });

  test('when a known username fails and an unknown one fails, then the store sees the same operations and argon2 runs once each with the same cost', async () => {
    const person = personBody();
    await call(h.broker, 'identity.registerPerson', { person });
    const ops: string[] = [];
    const derivations: string[] = [];
    const original = nodeCrypto.argon2;
    const spy = jest.spyOn(nodeCrypto, 'argon2').mockImplementation(((algorithm: string, parameters: { memory: number; passes: number }, callback: never) => {
      derivations.push(`${algorithm} m=${parameters.memory} t=${parameters.passes}`);
      original.call(nodeCrypto, algorithm as never, parameters as never, callback);
    }) as never);
    const trace = async (username: string, sourceIp: string) => {
      ops.length = 0;
      derivations.length = 0;
      h.db.set('debug', (collection: string, method: string) => ops.push(`${collection}.${method}`));
      try {
        await attempt(username, 'Wrong#12345', sourceIp);
      } finally {
        h.db.set('debug', false);
      }
      return { ops: [...ops], derivations: [...derivations] };
    };
    try {
      const known = await trace(person.username, '10.9.2.1');
      const unknown = await trace(`nobody${Date.now()}`, '10.9.2.2');
      expect(known.derivations).toEqual([`argon2id m=${h.config.UM_ARGON2_MEMORY_KIB} t=${h.config.UM_ARGON2_PASSES}`]);
      expect(unknown).toEqual(known);
    } finally {
      spy.mockRestore();
    }
  });

  test('when identity.unlockPerson is called, then the failures counted against the username are forgotten and the right password logs in', async () => {
    const person = personBody();
    const { personId } = await call(h.broker, 'identity.registerPerson', { person });
    for (let i = 0; i < h.config.UM_LOGIN_USERNAME_MAX_FAILURES; i += 1) await attempt(person.username, 'Wrong#12345', '10.9.3.1');
    expect((await attempt(person.username, GOOD_PASSWORD, '10.9.3.1')).type).toBe('ACCOUNT_LOCKED');
    await call(h.broker, 'identity.unlockPerson', { personId });
    expect(await usernameFailures(person.username)).toBe(0);
    expect(await attempt(person.username, GOOD_PASSWORD, '10.9.3.1')).toEqual({ type: 'OK' });
  });
});
