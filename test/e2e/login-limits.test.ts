/**
 * Login answers that reveal nothing, and the source-address limit (PRODUCT.md §7.1), through the
 * real processes. The gateway believes X-Forwarded-For from 127.0.0.1 here, so each test sends from
 * addresses of its own; the address limit is set low (UM_LOGIN_ADDRESS_MAX_FAILURES=4).
 */
import { GOOD_PASSWORD, onboardingBody } from '../support/fixtures';
import { startTestSystem, type ApiResponse, type TestSystem } from '../support/system';

const ADDRESS_MAX_FAILURES = 4;
const USERNAME_MAX_FAILURES = 5;

let sys: TestSystem;
let operatorToken: string;

beforeAll(async () => {
  sys = await startTestSystem({
    env: {
      UM_TRUSTED_PROXIES: '127.0.0.1',
      UM_LOGIN_ADDRESS_MAX_FAILURES: String(ADDRESS_MAX_FAILURES),
      UM_LOGIN_ADDRESS_WINDOW_MINUTES: '60',
      UM_LOGIN_USERNAME_MAX_FAILURES: String(USERNAME_MAX_FAILURES),
      UM_LOGIN_ADDRESS_ALLOWLIST: '10.99.0.0/16, 2001:db8::7',
    },
  });
  operatorToken = (await sys.api.operator()).token;
}, 120_000);

afterAll(async () => {
  await sys?.shutdown();
});

async function rae() {
  const body = onboardingBody();
  const res = await sys.api.post('/admin/enterprises', body, operatorToken);
  expect(res.status).toBe(201);
  return { username: body.accessManager.username as string, personId: res.body.personId as string };
}

const login = (username: string, password: string, from: string) =>
  sys.api.request('POST', '/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': from } });

/** Headers that differ between any two answers (the moment, the request's id) are left out. */
function comparable(res: ApiResponse) {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name === 'date' || name === 'retry-after' || value === res.body?.requestId) return;
    headers[name] = value;
  });
  return { status: res.status, body: { ...res.body, requestId: undefined }, headers };
}

describe('a known and an unknown username answer alike', () => {
  test('when both fail attempt after attempt (1 to 9), then status, body and headers are the same each time, the 423 lock and its Retry-After included', async () => {
    const known = await rae();
    const unknown = `nobody${Date.now()}`;
    for (let i = 1; i <= 9; i += 1) {
      // Each attempt from fresh addresses: only the username's count is at play. Both at once, so
      // that the lock's remaining time is read at (nearly) the same instant.
      const [a, b] = await Promise.all([login(known.username, 'Wrong#12345', `10.20.${i}.1`), login(unknown, 'Wrong#12345', `10.20.${i}.2`)]);
      expect(comparable(b)).toEqual(comparable(a));
      if (i <= USERNAME_MAX_FAILURES) {
        expect(a.status).toBe(401);
        expect(a.body.code).toBe('INVALID_CREDENTIALS');
        expect(a.headers.get('retry-after')).toBeNull();
        expect(b.headers.get('retry-after')).toBeNull();
      } else {
        expect(a.status).toBe(423);
        expect(a.body.code).toBe('ACCOUNT_LOCKED');
        const [ra, rb] = [Number(a.headers.get('retry-after')), Number(b.headers.get('retry-after'))];
        expect(ra).toBeGreaterThan(0);
        // Whole seconds left, read a few milliseconds apart: equal unless a second ticked between
        // the two reads (identity's integration test compares them at one frozen instant).
        expect(Math.abs(ra - rb)).toBeLessThanOrEqual(1);
      }
    }
    // Locked, even the right password answers the lock, as it does for the unknown name.
    const [right, other] = await Promise.all([login(known.username, GOOD_PASSWORD, '10.20.10.1'), login(unknown, GOOD_PASSWORD, '10.20.10.2')]);
    expect(comparable(other)).toEqual(comparable(right));
    expect(right.status).toBe(423);
  });
});

describe('the source-address limit', () => {
  test('when an address has failed the maximum, then even a correct login of another account from it answers 429 TOO_MANY_ATTEMPTS with Retry-After, and from elsewhere that account logs in', async () => {
    const victim = await rae();
    const from = '10.30.0.1';
    for (let i = 0; i < ADDRESS_MAX_FAILURES; i += 1) {
      const res = await login(`guess${i}x${Date.now()}`, 'Wrong#12345', from);
      expect(res.status).toBe(401);
    }
    const refused = await login(victim.username, GOOD_PASSWORD, from);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    // The account did nothing: from another address it logs in at once.
    expect((await login(victim.username, GOOD_PASSWORD, '10.30.0.2')).status).toBe(200);
  });

  test('when an allow-listed address (CIDR or single IPv6) fails more than the maximum, then it is never address-limited', async () => {
    const person = await rae();
    for (const from of ['10.99.4.5', '2001:db8::7']) {
      for (let i = 0; i < ADDRESS_MAX_FAILURES + 2; i += 1) {
        const res = await login(`guess${i}y${Date.now()}`, 'Wrong#12345', from);
        expect(res.status).toBe(401);
      }
      expect((await login(person.username, GOOD_PASSWORD, from)).status).toBe(200);
    }
  });

  test('when an address is limited, then a username typed from it is not counted (the refused attempt was never checked)', async () => {
    const person = await rae();
    const from = '10.31.0.1';
    for (let i = 0; i < ADDRESS_MAX_FAILURES; i += 1) await login(`guess${i}z${Date.now()}`, 'Wrong#12345', from);
    for (let i = 0; i < USERNAME_MAX_FAILURES + 1; i += 1) expect((await login(person.username, 'Wrong#12345', from)).status).toBe(429);
    expect((await login(person.username, GOOD_PASSWORD, '10.31.0.2')).status).toBe(200);
  });
});

test('when asking /docs/json, then POST /auth/login documents 423 and 429', async () => {
  const docs = await sys.api.get('/docs/json');
  expect(Object.keys(docs.body.paths['/api/v1/auth/login'].post.responses)).toEqual(expect.arrayContaining(['401', '423', '429']));
});
