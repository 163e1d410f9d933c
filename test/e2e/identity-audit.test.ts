/**
 * Identity in the audit (PRODUCT.md §7.1), through the real processes: the person's trail kept by
 * identity and read by the contact centre (GET /admin/persons/{personId}/audit), the changes people
 * make to their own data copied into their enterprise's trail, and the GL/co-GL reading their
 * quality's part of it.
 */
import mongoose from 'mongoose';
import { issueCertificate } from '../support/certificates';
import { GOOD_PASSWORD, personBody } from '../support/fixtures';
import { stopProcess } from '@um/devkit';
import { startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
}, 180_000);

afterAll(async () => {
  await sys?.shutdown();
});

const A = () => w.enterpriseA;
const employerUsers = () => `/enterprises/${A()}/qualities/employer/users`;

/** A user of A's employer quality: their person id, username, and a session without a role. */
async function employerUser() {
  const body = personBody();
  const created = await sys.api.post(employerUsers(), { ...body, applications: ['dimona'] }, w.tokens.rae);
  expect(created.status).toBe(201);
  const login = await sys.api.post('/auth/login', { username: body.username, password: GOOD_PASSWORD });
  expect(login.status).toBe(200);
  return { personId: created.body.personId as string, username: body.username, token: login.body.token as string };
}

async function personTrail(personId: string, query = 'pageSize=100') {
  const res = await sys.api.get(`/admin/persons/${personId}/audit?${query}`, w.tokens.cc);
  expect(res.status).toBe(200);
  return res.body as { items: Array<Record<string, any>>; total: number; page: number; pageSize: number };
}

async function enterpriseTrail(token: string | undefined) {
  const res = await sys.api.get(`/enterprises/${A()}/audit?pageSize=100`, token);
  expect(res.status).toBe(200);
  return res.body.items as Array<Record<string, any>>;
}

/** Waits until `check` holds (the enterprise's copy arrives by an event), or fails with its last value. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

describe("the person's trail (contact centre)", () => {
  test('when a person logs in, fails, changes language and e-mails, binds and removes a certificate and changes their password, then each is in their trail, newest first, logins with the address', async () => {
    const u = await employerUser();
    expect((await sys.api.post('/auth/login', { username: u.username, password: 'Wrong#12345' })).status).toBe(401);
    expect((await sys.api.request('PATCH', '/me', { token: u.token, body: { language: 'fr', emails: ['new@example.be'] } })).status).toBe(200);
    const cert = issueCertificate({ commonName: 'Audited' });
    expect((await sys.api.request('PUT', '/me/certificate', { token: u.token, rawBody: cert.pem, headers: { 'content-type': 'application/x-pem-file' } })).status).toBe(200);
    expect((await sys.api.request('DELETE', '/me/certificate', { token: u.token })).status).toBe(204);
    expect((await sys.api.request('PUT', '/me/password', { token: u.token, body: { currentPassword: GOOD_PASSWORD, newPassword: 'Changed#2027' } })).status).toBe(204);

    const trail = await personTrail(u.personId);
    expect(trail.items.map((i) => i.action)).toEqual(['password.changed', 'certificate.removed', 'certificate.bound', 'person.updated', 'login.failed', 'login.succeeded']);
    const [changed, removed, bound, updated, failed, succeeded] = trail.items;
    expect(succeeded).toMatchObject({ personId: u.personId, sourceIp: expect.stringMatching(/127\.0\.0\.1/), after: { authMethods: ['password'] } });
    expect(succeeded).not.toHaveProperty('actor');
    expect(failed).toMatchObject({ personId: u.personId, sourceIp: expect.stringMatching(/127\.0\.0\.1/), after: { reason: 'wrong password' } });
    expect(updated).toMatchObject({ actor: { personId: u.personId }, before: { language: 'nl', emails: ['ann.peeters@example.be'] }, after: { language: 'fr', emails: ['new@example.be'] } });
    expect(bound).toMatchObject({ after: { fingerprintSha256: expect.stringMatching(/^[0-9a-f]{64}$/), subject: 'C=BE, CN=Audited' } });
    expect(removed!.before).toEqual({ fingerprintSha256: bound!.after.fingerprintSha256 });
    expect(changed).toMatchObject({ personId: u.personId, actor: { personId: u.personId } });
    expect(JSON.stringify(trail)).not.toMatch(/Changed#2027|Wrong#12345|argon2/);
    expect(trail.total).toBe(6);

    const page2 = await personTrail(u.personId, 'page=2&pageSize=4');
    expect(page2.items.map((i) => i.action)).toEqual(['login.failed', 'login.succeeded']);
  });

  test('when a username fails until locked, then the lock-out is in the trail; a manager’s password reset is there with the manager as actor', async () => {
    const u = await employerUser();
    for (let i = 0; i < 5; i += 1) await sys.api.post('/auth/login', { username: u.username, password: 'Wrong#12345' });
    expect((await sys.api.post('/auth/login', { username: u.username, password: GOOD_PASSWORD })).status).toBe(423);
    expect((await sys.api.request('PUT', `${employerUsers()}/${u.personId}/password`, { token: w.tokens.rae, body: { password: 'Renewed#2026' } })).status).toBe(204);
    const actions = (await personTrail(u.personId)).items;
    expect(actions.map((i) => i.action).slice(0, 3)).toEqual(['password.reset', 'login.locked', 'login.failed']);
    expect(actions.filter((i) => i.action === 'login.failed')).toHaveLength(5);
    expect(actions[0]).toMatchObject({ actor: { roleKind: 'access-manager' } });
  });

  test('when an unknown username fails, then it is audited under the name typed and no person is created; what cannot be a username is not kept', async () => {
    const db = mongoose.createConnection(process.env.MONGO_URL!, { dbName: `${sys.namespace}-identity` });
    try {
      const persons = await db.collection('persons').countDocuments();
      const typed = `nobody${Date.now()}`;
      expect((await sys.api.post('/auth/login', { username: ` ${typed.toUpperCase()}`, password: 'Wrong#12345' })).status).toBe(401);
      const records = await db.collection('person_audit').find({ username: typed }).toArray();
      expect(records).toEqual([expect.objectContaining({ action: 'login.failed', username: typed, sourceIp: expect.stringMatching(/127\.0\.0\.1/) })]);
      expect(records[0]).not.toHaveProperty('personId');
      expect(await db.collection('persons').countDocuments()).toBe(persons);

      // What cannot be a username (a password typed in the wrong field) is not kept.
      const misplaced = `Secret#${Date.now()}!`;
      expect((await sys.api.post('/auth/login', { username: misplaced, password: 'Wrong#12345' })).status).toBe(401);
      expect(await db.collection('person_audit').countDocuments({ username: misplaced.toLowerCase() })).toBe(0);
      expect(JSON.stringify(await db.collection('person_audit').find({ action: 'login.failed', personId: { $exists: false } }).toArray())).not.toContain(misplaced.toLowerCase());
    } finally {
      await db.close();
    }
  });

  test.each([
    ['an invalid person id', '/admin/persons/not-an-id/audit', 'personId'],
    ['a page size over 100', `/admin/persons/0123456789abcdef01234567/audit?pageSize=101`, 'pageSize'],
    ['an unknown parameter', `/admin/persons/0123456789abcdef01234567/audit?sort=at`, 'sort'],
  ])('when the contact centre asks with %s, then 400 naming %s', async (_label, url, field) => {
    const res = await sys.api.get(url, w.tokens.cc);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  test('when a person has no trail, then an empty page', async () => {
    expect(await personTrail('0123456789abcdef01234567')).toEqual({ items: [], total: 0, page: 1, pageSize: 100 });
  });
});

describe("the enterprise's trail", () => {
  test('when a user of the employer quality changes their own language, then the RAE sees it in A’s trail, the employer GL and co-GL too, the mandatary GL not', async () => {
    const u = await employerUser();
    expect((await sys.api.request('PATCH', '/me', { token: u.token, body: { language: 'de' } })).status).toBe(200);
    const mine = (items: Array<Record<string, any>>) => items.filter((i) => i.target.id === u.personId && i.action === 'person.updated');
    const seen = await eventually(() => enterpriseTrail(w.tokens.rae), (items) => mine(items).length > 0);
    expect(mine(seen)).toEqual([
      expect.objectContaining({
        enterpriseNumber: A(),
        actor: { personId: u.personId },
        target: { type: 'person', id: u.personId },
        quality: 'employer',
        before: { language: 'nl' },
        after: { language: 'de' },
      }),
    ]);
    expect(mine(await enterpriseTrail(w.tokens.glE))).toHaveLength(1);
    expect(mine(await enterpriseTrail(w.tokens.coGlE))).toHaveLength(1);
    expect(mine(await enterpriseTrail(w.tokens.glM))).toHaveLength(0);
  });

  test('when a GL reads the trail, then every record is of their quality; the RAE reads them all', async () => {
    const all = await enterpriseTrail(w.tokens.rae);
    const employer = await enterpriseTrail(w.tokens.glE);
    const mandatary = await enterpriseTrail(w.tokens.glM);
    expect(employer.length).toBeGreaterThan(0);
    expect(employer.every((i) => i.quality === 'employer')).toBe(true);
    expect(mandatary.every((i) => i.quality === 'mandatary')).toBe(true);
    expect(all.length).toBeGreaterThan(employer.length);
    // The co-RAE's designation concerns no quality: the RAE sees it, a GL does not.
    expect(all.some((i) => i.quality === undefined)).toBe(true);
  });

  test('when no enterprise instance is up while a person changes their own data, then the change still reaches the enterprise trail once an instance starts', async () => {
    const u = await employerUser();
    const [enterprise] = sys.of('enterprise');
    await stopProcess(enterprise!);
    // The event identity emits now finds nobody: only the person's trail holds the change.
    expect((await sys.api.request('PUT', '/me/password', { token: u.token, body: { currentPassword: GOOD_PASSWORD, newPassword: 'Offline#2029' } })).status).toBe(204);
    expect((await personTrail(u.personId)).items.filter((i) => i.action === 'password.changed')).toHaveLength(1);
    sys.startInstance('enterprise');
    const copies = (items: Array<Record<string, any>>) => items.filter((i) => i.target.id === u.personId && i.action === 'password.changed');
    // Read until the new instance answers and has fetched the record from identity (at its start).
    const readable = async () => {
      const res = await sys.api.get(`/enterprises/${A()}/audit?pageSize=100`, w.tokens.rae);
      return res.status === 200 ? (res.body.items as Array<Record<string, any>>) : [];
    };
    const seen = await eventually(readable, (items) => copies(items).length > 0, 60_000);
    expect(copies(seen)).toEqual([expect.objectContaining({ enterpriseNumber: A(), actor: { personId: u.personId }, quality: 'employer' })]);
  }, 90_000);

  test('when a person changes their password, then no password, hash or certificate body reaches the enterprise trail', async () => {
    const u = await employerUser();
    expect((await sys.api.request('PUT', '/me/password', { token: u.token, body: { currentPassword: GOOD_PASSWORD, newPassword: 'Changed#2028' } })).status).toBe(204);
    const seen = await eventually(() => enterpriseTrail(w.tokens.rae), (items) => items.some((i) => i.target.id === u.personId && i.action === 'password.changed'));
    const record = seen.find((i) => i.target.id === u.personId && i.action === 'password.changed');
    expect(record).toMatchObject({ quality: 'employer', actor: { personId: u.personId } });
    expect(JSON.stringify(seen)).not.toMatch(/Changed#2028|argon2/);
  });
});
