/**
 * Certificate login through the real processes: over the gateway's mutual-TLS listener, and with
 * the PEM a trusted TLS terminator forwards in a header. Certificates and CAs are made here.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { ServiceBroker } from 'moleculer';
import { freePort } from '@um/devkit';
import { call } from '@um/platform';
import { createCa, forwardedHeaderValue, issueCertificate, type TestCertificate } from '../support/certificates';
import { GOOD_PASSWORD, onboardingBody } from '../support/fixtures';
import { clientBroker, startTestSystem, type TestSystem } from '../support/system';

const HEADER = 'x-client-cert';
const DAY = 86_400_000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'um-cert-e2e-'));
const eidCa = createCa('Test Citizen CA');
const serverCert = issueCertificate({ commonName: '127.0.0.1', usage: 'serverAuth', ipAddresses: ['127.0.0.1'] });

let sys: TestSystem;
let tlsPort: number;
let operatorToken: string;
let internal: ServiceBroker;

beforeAll(async () => {
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(tmp, name), text);
    return path.join(tmp, name);
  };
  tlsPort = await freePort();
  sys = await startTestSystem({
    env: {
      UM_TLS_PORT: String(tlsPort),
      UM_TLS_CERT_FILE: file('server.pem', serverCert.pem),
      UM_TLS_KEY_FILE: file('server.key', serverCert.keyPem),
      UM_EID_CA_FILE: file('eid-ca.pem', eidCa.pem),
      UM_CLIENT_CERT_HEADER: HEADER,
      UM_CERT_HEADER_TRUSTED_PROXIES: '127.0.0.1',
    },
  });
  operatorToken = (await sys.api.operator()).token;
  internal = await clientBroker(sys);
}, 120_000);

afterAll(async () => {
  await internal?.stop();
  await sys?.shutdown();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: any;
}

function collect(res: http.IncomingMessage, resolve: (a: Answer) => void) {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
}

/** A POST over the mutual-TLS listener, with this client certificate (or none) and a JSON body (or none). */
function tlsPost(path: string, client?: TestCertificate, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: tlsPort,
        method: 'POST',
        path: `/api/v1${path}`,
        ca: serverCert.pem,
        ...(client ? { cert: client.pem, key: client.keyPem } : {}),
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' } }),
        agent: false,
      },
      (res) => collect(res, resolve),
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** POST /auth/login/certificate over the mutual-TLS listener, with this client certificate (or none). */
const tlsLogin = (client?: TestCertificate) => tlsPost('/auth/login/certificate', client);

/** A POST over plain HTTP with the terminator's header, from a chosen local address. */
function headerPost(path: string, value: string | undefined, localAddress = '127.0.0.1', body?: unknown): Promise<Answer> {
  const url = new URL(sys.baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: Number(url.port),
        method: 'POST',
        path: `/api/v1${path}`,
        localAddress,
        headers: { ...(value === undefined ? {} : { [HEADER]: value }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        agent: false,
      },
      (res) => collect(res, resolve),
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** POST /auth/login/certificate over plain HTTP with the terminator's header, from a chosen local address. */
const headerLogin = (value: string | undefined, localAddress = '127.0.0.1') => headerPost('/auth/login/certificate', value, localAddress);

async function rae() {
  const body = onboardingBody();
  const res = await sys.api.post('/admin/enterprises', body, operatorToken);
  expect(res.status).toBe(201);
  return { body, personId: res.body.personId as string, roleId: res.body.roleId as string };
}

/** Binds a personal certificate, logging in with the password (and `presenting`, once one is bound already). */
async function bindPersonal(username: string, cert: TestCertificate, presenting?: TestCertificate) {
  const login = presenting ? await tlsPost('/auth/login', presenting, { username, password: GOOD_PASSWORD }) : await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD });
  expect(login.status).toBe(200);
  const res = await sys.api.request('PUT', '/me/certificate', { token: login.body.token, rawBody: cert.pem, headers: { 'content-type': 'application/x-pem-file' } });
  expect(res.status).toBe(200);
}

describe('over mutual TLS', () => {
  test('when an eID certificate of the configured CA carries the NISS of a RAE, then the login answers like a password login', async () => {
    const a = await rae();
    const res = await tlsLogin(issueCertificate({ issuer: eidCa, serialNumber: a.body.accessManager.niss, commonName: 'Ann Peeters (Authentication)' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      roles: [{ id: a.roleId, kind: 'access-manager', enterpriseNumber: a.body.enterpriseNumber, enterpriseName: a.body.name }],
      authMethods: ['eid'],
    });
    const chosen = await sys.api.post('/auth/session/role', { roleId: a.roleId }, res.body.token);
    expect(chosen.status).toBe(200);
    expect((await sys.api.get(`/enterprises/${a.body.enterpriseNumber}`, chosen.body.token)).status).toBe(200);
    // The session of the chosen role keeps how the person logged in.
    expect((await sys.api.get('/me', chosen.body.token)).body.authMethods).toEqual(['eid']);
  });

  test('when a personal certificate bound with PUT /me/certificate is presented alone, then it logs nobody in: 401 like a certificate bound to no one', async () => {
    const a = await rae();
    const personal = issueCertificate({ commonName: 'Ann personal' });
    await bindPersonal(a.body.accessManager.username, personal);
    const res = await tlsLogin(personal);
    const stranger = await tlsLogin(issueCertificate({ commonName: 'Stranger' }));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('CERTIFICATE_REJECTED');
    expect({ ...res.body, requestId: undefined }).toEqual({ ...stranger.body, requestId: undefined });
  });

  test('when no client certificate is sent, then 401 CERTIFICATE_REQUIRED', async () => {
    const res = await tlsLogin();
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('CERTIFICATE_REQUIRED');
  });

  test.each([
    ['an unbound self-signed certificate', () => issueCertificate({ commonName: 'Stranger' })],
    ['an eID of another CA', () => issueCertificate({ issuer: createCa('Rogue CA'), serialNumber: '85073003328' })],
    ['an expired eID of the CA', () => issueCertificate({ issuer: eidCa, serialNumber: '85073003328', notBefore: new Date(Date.now() - 60 * DAY), notAfter: new Date(Date.now() - DAY) })],
    ['an eID of the CA whose NISS is nobody', () => issueCertificate({ issuer: eidCa, serialNumber: '85073003328' })],
    ['an eID for server authentication only', () => issueCertificate({ issuer: eidCa, serialNumber: '85073003328', usage: 'serverAuth' })],
  ])('when the client certificate is %s, then 401 CERTIFICATE_REJECTED', async (_label, make) => {
    const res = await tlsLogin(make());
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('CERTIFICATE_REJECTED');
  });

  test('when the account is blocked, then 423 ACCOUNT_BLOCKED', async () => {
    const a = await rae();
    await call(internal, 'identity.setAccountStatus', { personId: a.personId, status: 'blocked' });
    const res = await tlsLogin(issueCertificate({ issuer: eidCa, serialNumber: a.body.accessManager.niss }));
    expect(res.status).toBe(423);
    expect(res.body.code).toBe('ACCOUNT_BLOCKED');
  });

  test('when the HTTPS listener serves other routes, then they behave as on HTTP', async () => {
    const res = await new Promise<Answer>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port: tlsPort, path: '/api/v1/me', ca: serverCert.pem, agent: false }, (r) => collect(r, resolve)).on('error', reject);
    });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('forwarded by a TLS terminator', () => {
  test('when the header comes from a trusted proxy address, then the PEM in it logs its person in', async () => {
    const a = await rae();
    const res = await headerLogin(forwardedHeaderValue(issueCertificate({ issuer: eidCa, serialNumber: a.body.accessManager.niss })));
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual([{ id: a.roleId, kind: 'access-manager', enterpriseNumber: a.body.enterpriseNumber, enterpriseName: a.body.name }]);
  });

  test('when the same header comes from an address that is not a trusted proxy, then it is ignored: 401 CERTIFICATE_REQUIRED', async () => {
    const a = await rae();
    const res = await headerLogin(forwardedHeaderValue(issueCertificate({ issuer: eidCa, serialNumber: a.body.accessManager.niss })), '127.0.0.2');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('CERTIFICATE_REQUIRED');
  });

  test('when the header holds no certificate, then 400 CERTIFICATE_MALFORMED', async () => {
    const res = await headerLogin(encodeURIComponent('-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----'));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('CERTIFICATE_MALFORMED');
  });

  test('when there is no header, then 401 CERTIFICATE_REQUIRED', async () => {
    const res = await headerLogin(undefined);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('CERTIFICATE_REQUIRED');
  });
});

describe('personal certificate as a second factor (manual 4.2.3)', () => {
  const credentials = (a: Awaited<ReturnType<typeof rae>>, password = GOOD_PASSWORD) => ({ username: a.body.accessManager.username, password });

  test('when nothing is bound, then the password logs in alone and the session says authMethods [password], in the login answer and GET /me', async () => {
    const a = await rae();
    const res = await sys.api.post('/auth/login', credentials(a));
    expect(res.status).toBe(200);
    expect(res.body.authMethods).toEqual(['password']);
    expect((await sys.api.get('/me', res.body.token)).body.authMethods).toEqual(['password']);
  });

  test('when a certificate is bound, then the password over a connection presenting it logs in with [password, certificate]; without it, 401 exactly as a wrong password', async () => {
    const a = await rae();
    const personal = issueCertificate({ commonName: 'Second factor' });
    await bindPersonal(a.body.accessManager.username, personal);

    const withIt = await tlsPost('/auth/login', personal, credentials(a));
    expect(withIt.status).toBe(200);
    expect(withIt.body.authMethods).toEqual(['password', 'certificate']);
    expect((await sys.api.get('/me', withIt.body.token)).body).toMatchObject({ personId: a.personId, authMethods: ['password', 'certificate'] });

    const without = await sys.api.post('/auth/login', credentials(a));
    const overTlsWithout = await tlsPost('/auth/login', undefined, credentials(a));
    const wrongPassword = await tlsPost('/auth/login', personal, credentials(a, 'Wrong#12345'));
    const another = await tlsPost('/auth/login', issueCertificate({ commonName: 'Another' }), credentials(a));
    for (const res of [without, overTlsWithout, wrongPassword, another]) {
      expect(res.status).toBe(401);
      expect({ ...res.body, requestId: undefined }).toEqual({ ...wrongPassword.body, requestId: undefined });
    }
    expect(wrongPassword.body.code).toBe('INVALID_CREDENTIALS');
  });

  test('when a certificate is bound, then the password with the certificate in the trusted terminator header logs in; from an untrusted peer the header is ignored: 401', async () => {
    const a = await rae();
    const personal = issueCertificate({ commonName: 'Behind a terminator' });
    await bindPersonal(a.body.accessManager.username, personal);
    const trusted = await headerPost('/auth/login', forwardedHeaderValue(personal), '127.0.0.1', credentials(a));
    expect(trusted.status).toBe(200);
    expect(trusted.body.authMethods).toEqual(['password', 'certificate']);
    const untrusted = await headerPost('/auth/login', forwardedHeaderValue(personal), '127.0.0.2', credentials(a));
    expect(untrusted.status).toBe(401);
    expect(untrusted.body.code).toBe('INVALID_CREDENTIALS');
  });

  test('when the password comes with the eID of the same person, then [password, eid], bound certificate or not', async () => {
    const a = await rae();
    const eid = issueCertificate({ issuer: eidCa, serialNumber: a.body.accessManager.niss });
    expect((await tlsPost('/auth/login', eid, credentials(a))).body.authMethods).toEqual(['password', 'eid']);
    await bindPersonal(a.body.accessManager.username, issueCertificate({ commonName: 'Bound' }), eid);
    expect((await tlsPost('/auth/login', eid, credentials(a))).body.authMethods).toEqual(['password', 'eid']);
  });
});
