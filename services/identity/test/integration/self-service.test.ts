/**
 * Self-service, account lifecycle, personal certificates and certificate login of the identity
 * service in-process, against the real NATS and store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Principal } from '@um/contracts';
import { IdentityConfig, call, loadConfig } from '@um/platform';
import { fingerprintOf } from '../../src/certificates';
import { buildIdentityService } from '../../src/identity.service';
import * as passwords from '../../src/passwords';
import { startService, type IntegrationHarness } from '../../../../test/support/broker';
import { createCa, issueCertificate } from '../../../../test/support/certificates';
import { GOOD_PASSWORD, personBody } from '../../../../test/support/fixtures';

let h: IntegrationHarness<IdentityConfig>;
const eidCa = createCa('Integration Citizen CA');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'um-identity-'));
const accountEvents: Array<{ personId: string; status: string }> = [];

beforeAll(async () => {
  fs.writeFileSync(path.join(tmp, 'eid-ca.pem'), eidCa.pem);
  h = await startService('identity', buildIdentityService, (env) => loadConfig(IdentityConfig, env), {
    UM_EID_CA_FILE: path.join(tmp, 'eid-ca.pem'),
  });
  h.broker.createService({
    name: 'account-listener',
    events: {
      'identity.account.changed'(ctx: { params: { personId: string; status: string } }) {
        accountEvents.push(ctx.params);
      },
    },
  });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => jest.restoreAllMocks());

type Failure = { type?: string; code?: number; data?: Record<string, unknown> };
const failure = (p: Promise<unknown>) => p.then(() => ({ type: 'OK' }) as Failure, (e: Failure) => e);

async function registered(overrides: Record<string, unknown> = {}) {
  const person = personBody(overrides);
  const { personId } = await call(h.broker, 'identity.registerPerson', { person });
  return { person, personId };
}

async function session(username: string, password = GOOD_PASSWORD): Promise<{ token: string; principal: Principal }> {
  const { token } = await call(h.broker, 'identity.login', { username, password, sourceIp: '10.9.9.9' });
  return { token, principal: (await call(h.broker, 'identity.authenticate', { token })).principal };
}

const as = (principal: Principal) => ({ meta: { principal } });
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');

async function waitFor(check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return check();
}

describe('unknown username and wrong password', () => {
  test('when the username is unknown, then the decoy hash is verified, so it costs what a wrong password costs', async () => {
    const { person } = await registered();
    const verify = jest.spyOn(passwords, 'verifyPassword');
    const unknown = await failure(call(h.broker, 'identity.login', { username: 'nobody12345', password: 'Wrong#12345', sourceIp: '10.8.8.1' }));
    const wrong = await failure(call(h.broker, 'identity.login', { username: person.username, password: 'Wrong#12345', sourceIp: '10.8.8.1' }));
    expect(unknown).toMatchObject({ type: 'INVALID_CREDENTIALS', code: 401 });
    expect(wrong).toMatchObject({ type: 'INVALID_CREDENTIALS', code: 401, message: (unknown as Error).message });
    expect(verify).toHaveBeenCalledTimes(2);
    const [decoy, real] = verify.mock.calls.map((c) => c[1]);
    // Same algorithm and cost for both: the decoy is a real argon2id hash at the configured cost.
    const costOf = (phc: string) => /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc)?.slice(1);
    expect(costOf(decoy!)).toEqual(['19456', '2', '1']);
    expect(costOf(decoy!)).toEqual(costOf(real!));
    expect(decoy).not.toBe(real);
  });

  test('when the account is deleted, then its username answers like an unknown one (decoy verified)', async () => {
    const { person, personId } = await registered();
    await call(h.broker, 'identity.setAccountStatus', { personId, status: 'deleted' });
    const verify = jest.spyOn(passwords, 'verifyPassword');
    const res = await failure(call(h.broker, 'identity.login', { username: person.username, password: GOOD_PASSWORD, sourceIp: '10.8.8.2' }));
    expect(res).toMatchObject({ type: 'INVALID_CREDENTIALS' });
    expect(verify).toHaveBeenCalledTimes(1);
  });
});

describe('authenticate', () => {
  test('when a token is authenticated, then the answer says until when the session is certainly usable: its idle expiry (30 min) before its absolute one (12 h)', async () => {
    const { person, personId } = await registered();
    const before = Date.now();
    const { token } = await session(person.username);
    const answer = await call(h.broker, 'identity.authenticate', { token });
    expect(answer.principal.personId).toBe(personId);
    expect(answer.validUntil).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1_000);
    expect(answer.validUntil).toBeLessThanOrEqual(Date.now() + 30 * 60_000);
  });
});

describe('account status', () => {
  test('when an account is blocked, then its sessions end, login answers 423, and an event is emitted; unblocked, login works again', async () => {
    const { person, personId } = await registered();
    const { token } = await session(person.username);
    await call(h.broker, 'identity.setAccountStatus', { personId, status: 'blocked' });
    expect(await failure(call(h.broker, 'identity.authenticate', { token }))).toMatchObject({ type: 'UNAUTHENTICATED', code: 401 });
    expect(await failure(session(person.username))).toMatchObject({ type: 'ACCOUNT_BLOCKED', code: 423 });
    expect(await waitFor(() => accountEvents.some((e) => e.personId === personId && e.status === 'blocked'))).toBe(true);

    await call(h.broker, 'identity.setAccountStatus', { personId, status: 'active' });
    // The session ended by the block stays ended; a new login works.
    expect(await failure(call(h.broker, 'identity.authenticate', { token }))).toMatchObject({ type: 'UNAUTHENTICATED' });
    expect((await session(person.username)).token).toEqual(expect.any(String));
    expect(await waitFor(() => accountEvents.some((e) => e.personId === personId && e.status === 'active'))).toBe(true);
  });

  test('when an account is deleted, then its sessions end and it cannot be restored', async () => {
    const { person, personId } = await registered();
    const { token } = await session(person.username);
    await call(h.broker, 'identity.setAccountStatus', { personId, status: 'deleted' });
    expect(await failure(call(h.broker, 'identity.authenticate', { token }))).toMatchObject({ type: 'UNAUTHENTICATED' });
    expect(await failure(call(h.broker, 'identity.setAccountStatus', { personId, status: 'active' }))).toMatchObject({ type: 'CONFLICT', code: 409 });
    // Deleting again is a no-op.
    expect(await call(h.broker, 'identity.setAccountStatus', { personId, status: 'deleted' })).toBeNull();
  });

  test('when the person is unknown, then NOT_FOUND', async () => {
    expect(await failure(call(h.broker, 'identity.setAccountStatus', { personId: '0123456789abcdef01234567', status: 'blocked' }))).toMatchObject({ type: 'NOT_FOUND' });
  });
});

describe('own password', () => {
  test('when the current password is right and the new one differs, then every session ends and the new one logs in', async () => {
    const { person, personId } = await registered();
    const other = await session(person.username);
    const mine = await session(person.username);
    await call(h.broker, 'identity.changePassword', { currentPassword: GOOD_PASSWORD, newPassword: 'Changed#2027' }, as(mine.principal));
    for (const token of [other.token, mine.token]) {
      expect(await failure(call(h.broker, 'identity.authenticate', { token }))).toMatchObject({ type: 'UNAUTHENTICATED' });
    }
    expect(await failure(session(person.username))).toMatchObject({ type: 'INVALID_CREDENTIALS' });
    expect((await session(person.username, 'Changed#2027')).token).toEqual(expect.any(String));
    expect(await waitFor(() => accountEvents.some((e) => e.personId === personId && e.status === 'active'))).toBe(true);
  });

  test.each([
    ['the current password is wrong', { currentPassword: 'Wrong#12345', newPassword: 'Changed#2027' }, 'CURRENT_PASSWORD_WRONG', 'currentPassword'],
    ['the new password equals the current one', { currentPassword: GOOD_PASSWORD, newPassword: GOOD_PASSWORD }, 'PASSWORD_REUSED', 'newPassword'],
    ['the new password breaks the policy', { currentPassword: GOOD_PASSWORD, newPassword: 'short1#' }, 'PASSWORD_POLICY', 'newPassword'],
  ])('when %s, then 400 %s on %s and the session stays', async (_label, body, code, field) => {
    const { person } = await registered();
    const mine = await session(person.username);
    const res = await failure(call(h.broker, 'identity.changePassword', body, as(mine.principal)));
    expect(res).toMatchObject({ type: code, code: 400, data: { errors: [expect.objectContaining({ field, code })] } });
    expect((await call(h.broker, 'identity.authenticate', { token: mine.token })).principal).toMatchObject({ personId: mine.principal.personId });
  });

  test('when the current password is guessed wrong 5 times, then the next try is locked (423), like login', async () => {
    const { person } = await registered();
    const mine = await session(person.username);
    for (let i = 0; i < 5; i += 1) {
      expect(await failure(call(h.broker, 'identity.changePassword', { currentPassword: 'Wrong#12345', newPassword: 'Changed#2027' }, as(mine.principal)))).toMatchObject({
        type: 'CURRENT_PASSWORD_WRONG',
      });
    }
    const locked = await failure(call(h.broker, 'identity.changePassword', { currentPassword: GOOD_PASSWORD, newPassword: 'Changed#2027' }, as(mine.principal)));
    expect(locked).toMatchObject({ type: 'ACCOUNT_LOCKED', code: 423, data: { retryAfterSeconds: expect.any(Number) } });
  });
});

describe('personal certificate', () => {
  test('when two persons bind the same certificate at the same time, then one wins and the other gets CERTIFICATE_TAKEN', async () => {
    const cert = issueCertificate({ commonName: 'Shared' });
    const a = await session((await registered()).person.username);
    const b = await session((await registered()).person.username);
    const results = await Promise.all([a, b].map((s) => failure(call(h.broker, 'identity.setCertificate', { certificate: b64(cert.pem) }, as(s.principal)))));
    expect(results.map((r) => r.type).sort()).toEqual(['CERTIFICATE_TAKEN', 'OK']);
    expect(await h.db.collection('persons').countDocuments({ 'certificate.fingerprintSha256': fingerprintOf(cert.der) })).toBe(1);
  });

  test('when a person binds their own certificate twice, then the second is accepted too (no conflict with oneself)', async () => {
    const cert = issueCertificate({ commonName: 'Twice' });
    const a = await session((await registered()).person.username);
    const first = await call(h.broker, 'identity.setCertificate', { certificate: b64(cert.der) }, as(a.principal));
    expect(await call(h.broker, 'identity.setCertificate', { certificate: b64(cert.pem) }, as(a.principal))).toEqual(first);
    expect(await call(h.broker, 'identity.getCertificate', {}, as(a.principal))).toEqual(first);
  });
});

describe('certificate login', () => {
  const login = (certificate: Buffer | string, sourceIp = '10.7.7.7') =>
    call(h.broker, 'identity.loginWithCertificate', { certificate: b64(certificate), via: 'proxy-header', sourceIp });

  test('when an eID certificate of the configured CA carries a known NISS, then that person logs in', async () => {
    const { person, personId } = await registered();
    const res = await login(issueCertificate({ issuer: eidCa, serialNumber: person.niss }).pem);
    expect(res.token).toEqual(expect.any(String));
    expect((await call(h.broker, 'identity.authenticate', { token: res.token })).principal.personId).toBe(personId);
  });

  test('when the NISS is right but the CA is not configured, then CERTIFICATE_REJECTED', async () => {
    const { person } = await registered();
    const res = await failure(login(issueCertificate({ issuer: createCa('Rogue CA'), serialNumber: person.niss }).pem));
    expect(res).toMatchObject({ type: 'CERTIFICATE_REJECTED', code: 401 });
  });

  test('when a bound personal certificate is presented alone, then it is rejected exactly like an unbound one', async () => {
    const { person } = await registered();
    const mine = await session(person.username);
    const cert = issueCertificate({ commonName: 'Personal' });
    await call(h.broker, 'identity.setCertificate', { certificate: b64(cert.der) }, as(mine.principal));
    const bound = await failure(login(cert.der));
    const stranger = await failure(login(issueCertificate({ commonName: 'Stranger' }).der));
    expect(bound).toMatchObject({ type: 'CERTIFICATE_REJECTED', code: 401 });
    const shown = (e: Failure) => ({ type: e.type, code: e.code, message: (e as unknown as Error).message });
    expect(shown(bound)).toEqual(shown(stranger));
  });

  test('when an eID logs in alone, then the session says so (authMethods eid)', async () => {
    const { person, personId } = await registered();
    const res = await login(issueCertificate({ issuer: eidCa, serialNumber: person.niss }).pem);
    expect(res.authMethods).toEqual(['eid']);
    const { principal } = await call(h.broker, 'identity.authenticate', { token: res.token });
    expect(principal).toMatchObject({ personId, authMethods: ['eid'] });
  });

  test('when the account of the certificate is blocked, then 423 ACCOUNT_BLOCKED', async () => {
    const { person, personId } = await registered();
    await call(h.broker, 'identity.setAccountStatus', { personId, status: 'blocked' });
    expect(await failure(login(issueCertificate({ issuer: eidCa, serialNumber: person.niss }).pem))).toMatchObject({ type: 'ACCOUNT_BLOCKED', code: 423 });
  });

  test('when a source address fails 50 times, then its next certificate login is refused for the address (429 with a delay), not as an account', async () => {
    const sourceIp = '10.6.6.6';
    const unknown = issueCertificate({ commonName: 'Nobody' }).der;
    for (let i = 0; i < 50; i += 1) expect(await failure(login(unknown, sourceIp))).toMatchObject({ type: 'CERTIFICATE_REJECTED' });
    const { person } = await registered();
    const res = await failure(login(issueCertificate({ issuer: eidCa, serialNumber: person.niss }).pem, sourceIp));
    expect(res).toMatchObject({ type: 'TOO_MANY_ATTEMPTS', code: 429, data: { retryAfterSeconds: expect.any(Number) } });
  });
});

describe('personal certificate as a second factor', () => {
  const withPassword = (username: string, password: string, certificate?: Buffer | string) =>
    call(h.broker, 'identity.login', { username, password, sourceIp: '10.7.8.9', ...(certificate ? { certificate: b64(certificate), via: 'mutual-tls' as const } : {}) });

  test('when nothing is bound, then the password alone logs in with authMethods [password], and a stray certificate adds nothing', async () => {
    const { person } = await registered();
    expect((await withPassword(person.username, GOOD_PASSWORD)).authMethods).toEqual(['password']);
    expect((await withPassword(person.username, GOOD_PASSWORD, issueCertificate({ commonName: 'Stray' }).der)).authMethods).toEqual(['password']);
  });

  test('when a certificate is bound, then the password needs it: without it, or with another, the same 401 as a wrong password; with it, authMethods [password, certificate]', async () => {
    const { person } = await registered();
    const mine = await session(person.username);
    const cert = issueCertificate({ commonName: 'Second factor' });
    await call(h.broker, 'identity.setCertificate', { certificate: b64(cert.pem) }, as(mine.principal));

    const wrong = await failure(withPassword(person.username, 'Wrong#12345', cert.der));
    const missing = await failure(withPassword(person.username, GOOD_PASSWORD));
    const other = await failure(withPassword(person.username, GOOD_PASSWORD, issueCertificate({ commonName: 'Other' }).der));
    expect(wrong).toMatchObject({ type: 'INVALID_CREDENTIALS', code: 401 });
    const shown = (e: Failure) => ({ type: e.type, code: e.code, message: (e as unknown as Error).message, data: e.data });
    expect(shown(missing)).toEqual(shown(wrong));
    expect(shown(other)).toEqual(shown(wrong));

    const ok = await withPassword(person.username, GOOD_PASSWORD, cert.der);
    expect(ok.authMethods).toEqual(['password', 'certificate']);
    const { principal } = await call(h.broker, 'identity.authenticate', { token: ok.token });
    expect(await call(h.broker, 'identity.getMe', {}, as(principal))).toMatchObject({ authMethods: ['password', 'certificate'] });
  });

  test('when a certificate is bound, then the eID of the same person also serves as the second factor, and an eID of someone else does not', async () => {
    const { person } = await registered();
    const mine = await session(person.username);
    await call(h.broker, 'identity.setCertificate', { certificate: b64(issueCertificate({ commonName: 'Bound' }).der) }, as(mine.principal));
    expect((await withPassword(person.username, GOOD_PASSWORD, issueCertificate({ issuer: eidCa, serialNumber: person.niss }).der)).authMethods).toEqual(['password', 'eid']);
    const someone = await registered();
    expect(await failure(withPassword(person.username, GOOD_PASSWORD, issueCertificate({ issuer: eidCa, serialNumber: someone.person.niss }).der))).toMatchObject({ type: 'INVALID_CREDENTIALS' });
  });

  test('when the certificate is removed, then the password alone logs in again', async () => {
    const { person } = await registered();
    const mine = await session(person.username);
    await call(h.broker, 'identity.setCertificate', { certificate: b64(issueCertificate({ commonName: 'Removed' }).der) }, as(mine.principal));
    expect(await failure(withPassword(person.username, GOOD_PASSWORD))).toMatchObject({ type: 'INVALID_CREDENTIALS' });
    await call(h.broker, 'identity.deleteCertificate', {}, as(mine.principal));
    expect((await withPassword(person.username, GOOD_PASSWORD)).authMethods).toEqual(['password']);
  });
});
