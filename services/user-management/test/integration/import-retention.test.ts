/**
 * user-management in-process against the real NATS and store: import jobs done with for
 * UM_IMPORT_KEEP_DAYS are deleted with their rows and reports; recent and running ones stay.
 */
import { loadConfig } from '@um/platform';
import { UserManagementConfig, buildUserManagementService } from '../../src/user-management.service';
import { startService, type IntegrationHarness } from '../../../../test/support/broker';
import { uniqueEnterpriseNumber } from '../../../../test/support/fixtures';

let h: IntegrationHarness<UserManagementConfig> | undefined;
afterAll(async () => {
  await h?.stop();
});

const DAY = 86_400_000;

/** Its chunks first, then the job, as an import stores them: a sweep never sees a job without its rows. */
async function storeJob(db: IntegrationHarness<UserManagementConfig>['db'], id: string, status: string, updatedAt: Date) {
  const now = new Date();
  for (const chunk of [0, 1]) {
    await db.collection('import_chunks').insertOne({ _id: `${id}:${chunk}` as never, importId: id, rows: [{ row: chunk * 250 + 1, niss: '85073003328' }], createdAt: updatedAt, updatedAt });
  }
  await db.collection('import_jobs').insertOne({
    _id: id as never, enterpriseNumber: uniqueEnterpriseNumber(), quality: 'employer', dryRun: false, status, total: 300, chunks: 2, received: [0, 1],
    counts: { total: 300, done: 300, created: 300, reused: 0, unchanged: 0, error: 0 }, principal: { personId: 'p', sessionId: 's' }, createdAt: updatedAt, updatedAt,
    ...(status === 'running' ? { worker: 'elsewhere', heartbeatAt: now } : {}),
  });
}

test('when a finished or abandoned import job is older than UM_IMPORT_KEEP_DAYS, then the sweep deletes it with its rows; recent and running jobs stay', async () => {
  h = await startService('user-management', buildUserManagementService, (e) => loadConfig(UserManagementConfig, e), { UM_IMPORT_KEEP_DAYS: '7', UM_IMPORT_LEASE_SECONDS: '2' });
  const suffix = Date.now().toString(16);
  const old = new Date(Date.now() - 8 * DAY);
  const ids = { oldFinished: `aa${suffix}`, oldAbandoned: `bb${suffix}`, recentFinished: `cc${suffix}`, running: `dd${suffix}` };
  await storeJob(h.db, ids.oldFinished, 'finished', old);
  await storeJob(h.db, ids.oldAbandoned, 'abandoned', old);
  await storeJob(h.db, ids.recentFinished, 'finished', new Date(Date.now() - 6 * DAY));
  await storeJob(h.db, ids.running, 'running', old);
  const jobs = () => h!.db.collection('import_jobs').countDocuments({ _id: { $in: Object.values(ids) as never[] } });
  // The sweep runs every half lease (1 s here).
  const deadline = Date.now() + 15_000;
  while ((await jobs()) > 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const left = (await h.db.collection('import_jobs').find({ _id: { $in: Object.values(ids) as never[] } }, { projection: { _id: 1 } }).toArray()).map((j) => String(j._id)).sort();
  expect(left).toEqual([ids.recentFinished, ids.running].sort());
  const chunks = (await h.db.collection('import_chunks').find({ importId: { $in: Object.values(ids) } }, { projection: { importId: 1 } }).toArray()).map((c) => c.importId as string);
  expect(new Set(chunks)).toEqual(new Set([ids.recentFinished, ids.running]));
  expect(chunks).toHaveLength(4);
});
