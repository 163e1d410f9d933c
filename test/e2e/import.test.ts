/**
 * Bulk import (docs/import.md) through HTTP against the whole system: a 1,000-row CSV file with
 * exactly 50 bad rows of varied kinds — the dry run reports exactly those 50 and writes nothing,
 * the real run creates the 950 others (search finds them, none can log in with a password until a
 * reset), and a second run changes nothing. Known persons: reused within the importer's scope,
 * refused outside it (§7.1); another enterprise's manager gets 404; a JSON body 415.
 */
import { problemText } from '@um/contracts';
import { GOOD_PASSWORD, onboardingBody, personBody, uniqueNiss, uniqueUsername } from '../support/fixtures';
import { expectOk, startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

let sys: TestSystem;
let w: World;

beforeAll(async () => {
  sys = await startTestSystem();
  w = await buildWorld(sys.api);
});
afterAll(async () => {
  await sys?.shutdown();
});

const A = () => w.enterpriseA;
const users = (quality = 'employer') => `/enterprises/${A()}/qualities/${quality}/users`;
const HEADER = 'niss;firstName;lastName;title;language;email;companyEmail;username;applications';

function postFile(token: string | undefined, file: string, { dryRun = false, type = 'text/csv', language, quality = 'employer' }: { dryRun?: boolean; type?: string; language?: string; quality?: string } = {}) {
  return sys.api.request('POST', `${users(quality)}/import${dryRun ? '?dryRun=true' : ''}`, {
    token,
    rawBody: file,
    headers: { 'content-type': type, ...(language ? { 'accept-language': language } : {}) },
  });
}

/** Polls the job until it is finished; its whole report, page by page. */
async function finished(token: string | undefined, location: string): Promise<{ job: any; items: any[] }> {
  const path = location.replace(/^\/api\/v1/, '');
  for (;;) {
    const res = await sys.api.get(`${path}?pageSize=1000`, token);
    expect(res.status).toBe(200);
    if (res.body.status === 'finished') {
      const items = [...res.body.report.items];
      for (let page = 2; (page - 1) * 1000 < res.body.counts.total; page++) items.push(...(await sys.api.get(`${path}?page=${page}&pageSize=1000`, token)).body.report.items);
      return { job: res.body, items };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const searchTotal = async (lastName: string) => (await sys.api.get(`${users()}?lastName=${encodeURIComponent(lastName)}&pageSize=1`, w.tokens.glE)).body.total as number;
const auditTotal = async () => (await sys.api.get(`/enterprises/${A()}/audit?pageSize=1`, w.tokens.rae)).body.total as number;

describe('a 1,000-row file with 50 bad rows', () => {
  const LAST = `Bulkimport${Math.floor(Math.random() * 1e6).toString(36).replace(/[0-9]/g, 'x')}`;
  const lines: string[] = [];
  const bad = new Map<number, string>();
  const known: Array<{ niss: string; firstName: string; lastName: string }> = [];
  let file = '';

  beforeAll(async () => {
    // Five persons the system knows (users of another quality of A): the file names them under other names.
    for (let i = 0; i < 5; i++) {
      const person = personBody({ firstName: 'Marie', lastName: `Known${'abcde'[i]}` });
      await expectOk('known person', sys.api.post(users('mandatary'), person, w.tokens.rae), 201);
      known.push(person);
    }
    const good = (row: number) => ({ niss: uniqueNiss(), first: `Émile`, last: row % 7 === 0 ? `"${LAST}"` : LAST, title: row % 11 === 0 ? 'Dr.' : '', lang: 'fr', email: `e${row}@example.be`, company: '', username: uniqueUsername('imp'), apps: row % 3 === 0 ? 'dimona|drs' : 'ebox' });
    const rows: Array<ReturnType<typeof good>> = [];
    let mismatches = 0;
    const badKinds: Array<[string, (row: number, r: ReturnType<typeof good>) => void]> = [
      ['NISS_INVALID', (_n, r) => { r.niss = r.niss.slice(0, 10) + String((Number(r.niss[10]) + 1) % 10); }],
      ['NAME_INVALID', (_n, r) => { r.first = 'R2D2'; }],
      ['USERNAME_POLICY', (_n, r) => { r.username = 'Short'; }],
      ['APPLICATION_NOT_IN_CATALOGUE', (_n, r) => { r.apps = 'dimona|mahis'; }],
      ['UNKNOWN_VALUE', (_n, r) => { r.lang = 'xx'; }],
      ['INVALID_FORMAT', (_n, r) => { r.email = 'not-an-email'; }],
      ['DUPLICATE_IN_FILE', (n, r) => { r.niss = rows[n - 2]!.niss; }],
      ['DUPLICATE_IN_FILE', (n, r) => { r.username = rows[n - 3]!.username; }],
      ['PERSON_MISMATCH', (_n, r) => { r.niss = known[mismatches++ % known.length]!.niss; r.first = 'Someone'; r.last = 'Else'; }],
      ['VALIDATION_FAILED', (_n, r) => { r.username = ''; }],
    ];
    for (let row = 1; row <= 1_000; row++) {
      const r = good(row);
      // Every 20th row from row 10 on is bad: 50 rows, five of each kind.
      if (row % 20 === 10) {
        const [code, spoil] = badKinds[(row - 10) / 20 % badKinds.length]!;
        spoil(row, r);
        bad.set(row, code);
      }
      rows.push(r);
      lines.push([r.niss, r.first, r.last, r.title, r.lang, r.email, r.company, r.username, r.apps].join(';'));
    }
    // Each known NISS appears once (else the later rows would be DUPLICATE_IN_FILE).
    expect(mismatches).toBe(known.length);
    file = `\uFEFF${HEADER}\r\n${lines.join('\r\n')}\r\n`;
    expect(bad.size).toBe(50);
  });

  test('when the file is checked with dryRun, then exactly the 50 bad rows are reported, with their codes in the asked language, and nothing is written', async () => {
    const audit = await auditTotal();
    const res = await postFile(w.tokens.glE, file, { dryRun: true, language: 'fr' });
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ total: 1000, done: 1000, created: 950, reused: 0, unchanged: 0, error: 50 });
    const errors = res.body.report.items.filter((i: any) => i.status === 'error');
    expect(new Map(errors.map((i: any) => [i.row, i.code]))).toEqual(bad);
    const invalidNiss = errors.find((i: any) => i.code === 'NISS_INVALID');
    expect(invalidNiss.detail).toBe(problemText('fr', 'NISS_INVALID').message);
    expect(invalidNiss.errors).toEqual([expect.objectContaining({ field: 'niss', code: 'NISS_INVALID' })]);
    expect(res.body.report.items).toHaveLength(1000);
    expect(await searchTotal(LAST)).toBe(0);
    expect(await auditTotal()).toBe(audit);
  });

  test('when the file is imported, then 202 with a job whose report creates the 950 good rows; search finds them and none logs in with a password until a reset', async () => {
    const res = await postFile(w.tokens.glE, file);
    expect(res.status).toBe(202);
    expect(res.body).toEqual(expect.objectContaining({ importId: expect.stringMatching(/^[0-9a-f]{24}$/), dryRun: false }));
    const location = res.headers.get('location')!;
    expect(location).toBe(`/api/v1${users()}/imports/${res.body.importId}`);
    const { job, items } = await finished(w.tokens.glE, location);
    expect(job.counts).toEqual({ total: 1000, done: 1000, created: 950, reused: 0, unchanged: 0, error: 50 });
    expect(new Map(items.filter((i) => i.status === 'error').map((i) => [i.row, i.code]))).toEqual(bad);
    expect(await searchTotal(LAST)).toBe(950);

    const row = items.find((i) => i.status === 'created');
    const username = lines[row.row - 1]!.split(';')[7]!;
    expect((await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD })).status).toBe(401);
    const reset = await sys.api.request('PUT', `${users()}/${row.personId}/password`, { token: w.tokens.glE, body: { password: GOOD_PASSWORD } });
    expect(reset.status).toBe(204);
    const login = await sys.api.post('/auth/login', { username, password: GOOD_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.roles).toEqual([expect.objectContaining({ kind: 'user', enterpriseNumber: A(), quality: 'employer' })]);
    // The manager chose that first password: the person must change it before anything else, even after a second reset.
    expect(login.body.passwordChangeRequired).toBe(true);
    expect((await sys.api.request('PUT', `${users()}/${row.personId}/password`, { token: w.tokens.glE, body: { password: 'Second#2026pw' } })).status).toBe(204);
    const again = await sys.api.post('/auth/login', { username, password: 'Second#2026pw' });
    expect(again.body.passwordChangeRequired).toBe(true);
    expect((await sys.api.get('/me', again.body.token)).status).toBe(403);
    expect((await sys.api.request('PUT', '/me/password', { token: again.body.token, body: { currentPassword: 'Second#2026pw', newPassword: 'MyOwn#2026pass' } })).status).toBe(204);
    const own = await sys.api.post('/auth/login', { username, password: 'MyOwn#2026pass' });
    expect(own.status).toBe(200);
    expect(own.body.passwordChangeRequired).toBeUndefined();
  });

  test('when the same file is imported again, then nothing changes: every good row is unchanged', async () => {
    const audit = await auditTotal();
    const res = await postFile(w.tokens.glE, file);
    expect(res.status).toBe(202);
    const { job } = await finished(w.tokens.glE, res.headers.get('location')!);
    expect(job.counts).toEqual({ total: 1000, done: 1000, created: 0, reused: 0, unchanged: 950, error: 50 });
    expect(await searchTotal(LAST)).toBe(950);
    expect(await auditTotal()).toBe(audit);
  });
});

describe('known persons, rights and media types', () => {
  test('when a RAE imports a user of another quality of the enterprise and the RAE of another enterprise, then the first is reused and the second refused PERSON_OUTSIDE_SCOPE', async () => {
    const mine = personBody({ firstName: 'Jan', lastName: 'Mertens' });
    await expectOk('user of mandatary', sys.api.post(users('mandatary'), mine, w.tokens.rae), 201);
    const other = onboardingBody();
    await expectOk('enterprise C', sys.api.post('/admin/enterprises', other, w.tokens.cc), 201);
    const rae = other.accessManager;
    // A comma-separated file, quoted cells.
    const file = [
      'niss,firstName,lastName,language,applications',
      `${mine.niss},"JAN","mertens",nl,"dimona|drs"`,
      `${rae.niss},"${rae.firstName}","${rae.lastName}",nl,dimona`,
    ].join('\n');
    const res = await postFile(w.tokens.rae, file, { dryRun: true });
    expect(res.status).toBe(200);
    expect(res.body.report.items).toEqual([
      expect.objectContaining({ row: 1, status: 'reused' }),
      expect.objectContaining({ row: 2, status: 'error', code: 'PERSON_OUTSIDE_SCOPE' }),
    ]);
    const applied = await postFile(w.tokens.rae, file);
    const { items } = await finished(w.tokens.rae, applied.headers.get('location')!);
    expect(items).toEqual([expect.objectContaining({ row: 1, status: 'reused' }), expect.objectContaining({ row: 2, status: 'error', code: 'PERSON_OUTSIDE_SCOPE' })]);
    const got = await sys.api.get(`${users()}/${items[0].personId}`, w.tokens.rae);
    expect(got.body).toEqual(expect.objectContaining({ firstName: 'Jan', lastName: 'Mertens', applications: ['dimona', 'drs'] }));
    // The other enterprise's RAE holds no role in A.
    const found = await sys.api.get(`/admin/persons?niss=${rae.niss}`, w.tokens.cc);
    expect(found.body.items[0].roles).toEqual([expect.objectContaining({ kind: 'access-manager', enterpriseNumber: other.enterpriseNumber })]);
  });

  test('when the file comes as JSON lines, then each line is a row (applications as an array)', async () => {
    const person = personBody({ firstName: 'Lotte', lastName: 'Claes' });
    const file = `${JSON.stringify({ niss: person.niss, firstName: 'Lotte', lastName: 'Claes', language: 'nl', username: person.username, applications: ['ebox'] })}\nnot json\n`;
    const res = await postFile(w.tokens.glE, file, { dryRun: true, type: 'application/x-ndjson' });
    expect(res.status).toBe(200);
    expect(res.body.report.items).toEqual([expect.objectContaining({ row: 1, status: 'created' }), expect.objectContaining({ row: 2, status: 'error', code: 'MALFORMED_BODY' })]);
  });

  test('when another enterprise’s manager imports into A, then 404 and nothing is read', async () => {
    const file = `${HEADER}\n${uniqueNiss()};Ann;Peeters;;nl;;;${uniqueUsername('imp')};ebox\n`;
    const res = await postFile(w.tokens.raeB, file);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    const dry = await postFile(w.tokens.raeB, file, { dryRun: true });
    expect(dry.status).toBe(404);
  });

  test('when the GL of another quality or a user of employer imports into employer, then 403 (as for a single registration)', async () => {
    const file = `${HEADER}\n${uniqueNiss()};Ann;Peeters;;nl;;;${uniqueUsername('imp')};ebox\n`;
    expect((await postFile(w.tokens.glM, file)).status).toBe(403);
    expect((await postFile(w.tokens.userE, file)).status).toBe(403);
  });

  test('when the body is JSON or plain text, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const json = await sys.api.request('POST', `${users()}/import`, { token: w.tokens.glE, body: [{ niss: uniqueNiss() }] });
    expect({ status: json.status, code: json.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const text = await postFile(w.tokens.glE, 'hello', { type: 'text/plain' });
    expect({ status: text.status, code: text.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  test('when the header is wrong or the file empty, then 400 naming the header, and no job is made', async () => {
    const res = await postFile(w.tokens.glE, 'niss;firstName;surname\n1;2;3\n');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header' })]);
    expect((await postFile(w.tokens.glE, `${HEADER}\n`)).status).toBe(400);
  });

  test('when an import id is read by another manager or does not exist, then 404', async () => {
    const file = `${HEADER}\n${uniqueNiss()};Ann;Peeters;;nl;;;${uniqueUsername('imp')};ebox\n`;
    const res = await postFile(w.tokens.glE, file, { dryRun: true });
    const path = res.headers.get('location')!.replace(/^\/api\/v1/, '');
    expect((await sys.api.get(path, w.tokens.glE)).status).toBe(200);
    expect((await sys.api.get(path, w.tokens.raeB)).status).toBe(404);
    expect((await sys.api.get(`${users()}/imports/0123456789abcdef01234567`, w.tokens.glE)).status).toBe(404);
  });
});
