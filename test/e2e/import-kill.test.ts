/**
 * Bulk import (docs/import.md, "Interruptions and re-runs") when user-management is killed in the
 * middle of a job: the process applying a 2,500-row import is SIGKILLed while the job's
 * `counts.done` is above 0 and below the total, a new instance is started, and its sweep takes the
 * job over once the lease has run out (UM_IMPORT_LEASE_SECONDS, short here). The job finishes with
 * every row done and none in error; each person of the file is created once, holds exactly one
 * role and one membership in the quality; search counts every row; the same file imported again
 * reads every row `unchanged`.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { uniqueNiss, uniqueUsername } from '../support/fixtures';
import { waitForLog, startTestSystem, type TestSystem } from '../support/system';
import { buildWorld, type World } from '../support/world';

const ROWS = 2_500;
const HEADER = 'niss;firstName;lastName;title;language;email;companyEmail;username;applications';

let sys: TestSystem;
let w: World;
let identityDb: mongoose.Connection;
let umDb: mongoose.Connection;

beforeAll(async () => {
  sys = await startTestSystem({ env: { UM_IMPORT_LEASE_SECONDS: '4' } });
  w = await buildWorld(sys.api);
  const mongoUrl = sys.infra?.mongoUrl ?? process.env.MONGO_URL!;
  identityDb = mongoose.createConnection(mongoUrl, { dbName: `${sys.namespace}-identity` });
  umDb = mongoose.createConnection(mongoUrl, { dbName: `${sys.namespace}-user-management` });
}, 180_000);

afterAll(async () => {
  await identityDb?.close();
  await umDb?.close();
  await sys?.shutdown();
}, 60_000);

const A = () => w.enterpriseA;
const usersOf = () => `/enterprises/${A()}/qualities/employer/users`;

function postFile(file: string) {
  return sys.api.request('POST', `${usersOf()}/import`, { token: w.tokens.glE, rawBody: file, headers: { 'content-type': 'text/csv' } });
}

/** The job as its GET answers it; while no user-management instance answers, undefined. */
async function readJob(location: string): Promise<any | undefined> {
  const res = await sys.api.get(`${location.replace(/^\/api\/v1/, '')}?pageSize=1000`, w.tokens.glE);
  return res.status === 200 ? res.body : undefined;
}

async function until<T>(read: () => Promise<T | undefined>, done: (value: T) => boolean, what: string, ms: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what} (last: ${JSON.stringify(value)?.slice(0, 300)})`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The whole report of a finished job, page by page. */
async function reportOf(location: string, total: number): Promise<any[]> {
  const items: any[] = [];
  for (let page = 1; (page - 1) * 1000 < total; page++) {
    const res = await sys.api.get(`${location.replace(/^\/api\/v1/, '')}?page=${page}&pageSize=1000`, w.tokens.glE);
    expect(res.status).toBe(200);
    items.push(...res.body.report.items);
  }
  return items;
}

describe('an import whose user-management process is killed mid-job', () => {
  const LAST = `Killimport${Math.floor(Math.random() * 1e6).toString(36).replace(/[0-9]/g, 'x')}`;
  const nisses: string[] = [];
  let file = '';

  beforeAll(() => {
    const lines = [HEADER];
    for (let row = 1; row <= ROWS; row++) {
      const niss = uniqueNiss();
      nisses.push(niss);
      lines.push([niss, 'Lena', LAST, '', 'nl', `k${row}@example.be`, '', uniqueUsername('kill'), row % 2 ? 'ebox' : 'dimona|drs'].join(';'));
    }
    file = `${lines.join('\n')}\n`;
  });

  test('when the process is SIGKILLed while counts.done is between 0 and the total, then a new instance resumes the job: every row created exactly once, and a re-run reads every row unchanged', async () => {
    const res = await postFile(file);
    expect(res.status).toBe(202);
    const location = res.headers.get('location')!;

    // Mid-job: some rows applied, not all.
    const midway = await until(() => readJob(location), (job) => job.counts.done > 0, 'the job under way', 120_000, 20);
    expect(midway.status).toBe('running');
    expect(midway.counts.done).toBeLessThan(ROWS);
    const [worker] = sys.of('user-management');
    worker!.child.kill('SIGKILL');
    await worker!.exited;

    // What the dead worker left: the job still running, not all rows done.
    const stored = await umDb.collection('import_jobs').findOne({ _id: res.body.importId });
    expect(stored).toMatchObject({ status: 'running' });
    expect(stored!.counts.done).toBeGreaterThan(0);
    expect(stored!.counts.done).toBeLessThan(ROWS);

    const fresh = sys.startInstance('user-management');
    await waitForLog(path.join(sys.logDir, `${fresh.name.replace('#', '-')}.log`), 'authorization projection loaded', 60_000);
    const job = await until(() => readJob(location), (j) => j.status === 'finished', 'the job finished by the new instance', 240_000, 250);
    await waitForLog(path.join(sys.logDir, `${fresh.name.replace('#', '-')}.log`), 'import finished', 10_000);

    expect(job.counts.total).toBe(ROWS);
    expect(job.counts.done).toBe(ROWS);
    expect(job.counts.error).toBe(0);
    expect(job.counts.created + job.counts.reused + job.counts.unchanged).toBe(ROWS);
    const items = await reportOf(location, ROWS);
    expect(items).toHaveLength(ROWS);
    expect(items.filter((i) => !['created', 'reused', 'unchanged'].includes(i.status))).toEqual([]);
    expect(new Set(items.map((i) => i.row)).size).toBe(ROWS);

    // One person per NISS, each with exactly one role and one membership in the quality.
    const persons = await identityDb.collection('persons').find({ niss: { $in: nisses } }, { projection: { _id: 1, niss: 1 } }).toArray();
    expect(persons).toHaveLength(ROWS);
    expect(new Set(persons.map((p) => p.niss)).size).toBe(ROWS);
    const personIds = new Set(persons.map((p) => String(p._id)));
    const roles = await identityDb.collection('roles').find({ enterpriseNumber: A(), quality: 'employer' }, { projection: { personId: 1, kind: 1 } }).toArray();
    const rolesOf = new Map<string, string[]>();
    for (const r of roles) if (personIds.has(String(r.personId))) rolesOf.set(String(r.personId), [...(rolesOf.get(String(r.personId)) ?? []), r.kind]);
    expect(rolesOf.size).toBe(ROWS);
    expect([...rolesOf.values()].filter((kinds) => kinds.length !== 1 || kinds[0] !== 'user')).toEqual([]);
    const memberships = await umDb.collection('memberships').find({ enterpriseNumber: A(), quality: 'employer', lastName: LAST }, { projection: { personId: 1, kind: 1, roleId: 1 } }).toArray();
    expect(memberships).toHaveLength(ROWS);
    expect(new Set(memberships.map((m) => m.personId))).toEqual(personIds);
    expect(memberships.every((m) => m.kind === 'user' && m.roleId)).toBe(true);

    const search = await sys.api.get(`${usersOf()}?lastName=${LAST}&pageSize=1`, w.tokens.glE);
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(ROWS);

    // The same file again: nothing left to do.
    const again = await postFile(file);
    expect(again.status).toBe(202);
    const rerun = await until(() => readJob(again.headers.get('location')!), (j) => j.status === 'finished', 'the re-run finished', 240_000, 250);
    expect(rerun.counts).toEqual({ total: ROWS, done: ROWS, created: 0, reused: 0, unchanged: ROWS, error: 0 });
  }, 600_000);
});
