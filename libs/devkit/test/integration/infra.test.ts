/**
 * The local infrastructure `npm start` and `npm test` bring up: the store's data kept in a data
 * folder between runs (and wiped by `npm run reset`), and NATS_URL / MONGO_URL each honoured alone.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connect } from 'nats';
import { REPO_ROOT, startInfra, type Infra } from '@um/devkit';
import { requireServers } from '../../../../test/support/broker';

const tmpDirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'um-infra-test-'));
  tmpDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withEnv<T>(env: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function storeAnswers(mongoUrl: string): Promise<void> {
  const db = await mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 10_000 }).asPromise();
  try {
    await db.db!.admin().ping();
  } finally {
    await db.close();
  }
}

async function natsAnswers(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 10_000 });
  await nc.flush();
  await nc.close();
}

test('when the local store is stopped and started again on the same data folder, then what was written is still there, on PostgreSQL', async () => {
  const dataDir = tmpDir();
  const first = await startInfra({ forceLocal: true, dataDir, log: () => {} });
  expect(first.store).toMatch(/FerretDB .* on PostgreSQL/);
  let db = await mongoose.createConnection(`${first.mongoUrl}/keep`).asPromise();
  await db.collection('things').insertOne({ _id: 'kept' as never, n: 1 });
  await db.close();
  await first.stop();
  expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);

  const second = await startInfra({ forceLocal: true, dataDir, log: () => {} });
  try {
    db = await mongoose.createConnection(`${second.mongoUrl}/keep`).asPromise();
    expect(await db.collection('things').findOne({ _id: 'kept' as never })).toEqual({ _id: 'kept', n: 1 });
    await db.close();
  } finally {
    await second.stop();
  }
  expect(fs.existsSync(dataDir)).toBe(true);
});

test('when npm run reset runs, then it wipes the data folder, but not while a store still runs on it', async () => {
  const dataDir = path.join(tmpDir(), 'data');
  const reset = () => spawnSync(process.execPath, [path.join(REPO_ROOT, 'libs', 'devkit', 'dist', 'cli', 'reset.js')], { env: { ...process.env, UM_DATA_DIR: dataDir }, encoding: 'utf8' });
  const infra = await startInfra({ forceLocal: true, dataDir, log: () => {} });
  let refused: ReturnType<typeof reset>;
  try {
    refused = reset();
  } finally {
    await infra.stop();
  }
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/stop npm start first/);
  expect(fs.existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  const wiped = reset();
  expect(wiped.status).toBe(0);
  expect(fs.existsSync(dataDir)).toBe(false);
});

test.each([
  ['NATS_URL', 'natsUrl'],
  ['MONGO_URL', 'mongoUrl'],
] as const)('when only %s is set, then that server is used and only the other one is started', async (variable, field) => {
  const servers = requireServers();
  const given = servers[field];
  const lines: string[] = [];
  const infra: Infra = await withEnv({ NATS_URL: undefined, MONGO_URL: undefined, [variable]: given }, () => startInfra({ log: (l) => lines.push(l) }));
  try {
    expect(infra[field]).toBe(given);
    const other = field === 'natsUrl' ? infra.mongoUrl : infra.natsUrl;
    expect(other).not.toBe(field === 'natsUrl' ? servers.mongoUrl : servers.natsUrl);
    await natsAnswers(infra.natsUrl);
    await storeAnswers(infra.mongoUrl);
    const started = lines.join('\n');
    if (field === 'natsUrl') {
      expect(started).toMatch(/FerretDB/);
      expect(started).not.toMatch(/nats-server on/);
    } else {
      expect(started).toMatch(/nats-server on/);
      expect(started).not.toMatch(/FerretDB/);
      expect(infra.store).toBe('external MongoDB (MONGO_URL)');
    }
  } finally {
    await infra.stop();
  }
});
