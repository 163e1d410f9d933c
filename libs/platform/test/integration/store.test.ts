/** mongoose 9 against the store npm test provides (FerretDB locally): what the services rely on. */
import { randomBytes } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { BaseConfig, connectStore, createLogger, initModels, isDuplicateKey, isFerretDb, loadConfig, pingStore } from '@um/platform';
import { requireServers } from '../../../../test/support/broker';

let db: Connection;

beforeAll(async () => {
  const { mongoUrl } = requireServers();
  const config = loadConfig(BaseConfig, { MONGO_URL: mongoUrl, UM_DB_PREFIX: `s${randomBytes(4).toString('hex')}` });
  db = await connectStore(config, 'probe', createLogger({ service: 'probe', level: 'silent' }));
});

afterAll(async () => {
  await db.dropDatabase();
  await db.close();
});

const Account = new Schema({ username: { type: String, required: true, unique: true }, logins: { type: Number, default: 0 }, niss: String });
Account.index({ niss: 1 }, { unique: true, sparse: true });

test('when a model with a unique index is initialised, then the index exists and a duplicate fails with 11000', async () => {
  const M = db.model('Account', Account);
  await initModels(db, [M]);
  const indexes = await M.collection.indexes();
  expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { username: 1 }, unique: true })]));
  await M.create({ username: 'alice0001' });
  const dup = await M.create({ username: 'alice0001' }).catch((err: unknown) => err);
  expect(isDuplicateKey(dup)).toBe(true);
});

test('when a model also has a plain secondary index, then MongoDB gets it and FerretDB (which never reads it) does not; unique ones are created on both', async () => {
  const schema = new Schema({ code: { type: String, unique: true }, enterpriseNumber: String, at: Date });
  schema.index({ enterpriseNumber: 1, at: -1 });
  const M = db.model('Indexed', schema);
  await initModels(db, [M]);
  const keys = (await M.collection.indexes()).map((i) => JSON.stringify(i.key));
  expect(keys).toContain(JSON.stringify({ code: 1 }));
  if (await isFerretDb(db)) expect(keys).not.toContain(JSON.stringify({ enterpriseNumber: 1, at: -1 }));
  else expect(keys).toContain(JSON.stringify({ enterpriseNumber: 1, at: -1 }));
  await M.create({ code: 'a' });
  expect(isDuplicateKey(await M.create({ code: 'a' }).catch((err: unknown) => err))).toBe(true);
});

test('when documents lack a sparse unique field, then several may coexist', async () => {
  const M = db.model('Account');
  await M.create({ username: 'bob000001' });
  await M.create({ username: 'carol0001' });
  await M.create({ username: 'dave00001', niss: '85073003328' });
  const dup = await M.create({ username: 'erin00001', niss: '85073003328' }).catch((err: unknown) => err);
  expect(isDuplicateKey(dup)).toBe(true);
});

test('when 20 inserts run in parallel, then each is stored once (the services count with inserts, see docs/local-infrastructure.md)', async () => {
  const Event = db.model('Event', new Schema({ key: String }));
  await Promise.all(Array.from({ length: 20 }, () => Event.create({ key: 'k' })));
  expect(await Event.countDocuments({ key: 'k' })).toBe(20);
});

test('when reading, updating and deleting, then CRUD behaves', async () => {
  const M = db.model('Account');
  const upserted = await M.findOneAndUpdate({ username: 'frank0001' }, { $setOnInsert: { logins: 7 } }, { upsert: true, returnDocument: 'after' }).lean<{ logins: number }>();
  expect(upserted?.logins).toBe(7);
  expect(await M.countDocuments({ username: { $regex: '^FRANK', $options: 'i' } })).toBe(1);
  expect((await M.deleteOne({ username: 'frank0001' })).deletedCount).toBe(1);
  expect(await pingStore(db)).toBe('up');
});

test('when a document is looked up by _id, then the store serves it from an index (the services read and write by _id for that reason)', async () => {
  const M = db.model('Keyed', new Schema({ _id: String, v: Number }));
  await M.insertMany(Array.from({ length: 50 }, (_v, i) => ({ _id: `k:${i}`, v: i })));
  const plan = (await M.find({ _id: 'k:7' }).explain()) as { queryPlanner?: { Plan?: string[]; winningPlan?: unknown } };
  // FerretDB answers SQLite's plan (its _id lookup is patched at build time, see libs/devkit/src/binaries.ts); MongoDB its own.
  const text = JSON.stringify(plan.queryPlanner);
  if (plan.queryPlanner?.Plan) expect(text).toMatch(/SEARCH \S+ USING INDEX/);
  else expect(text).not.toContain('COLLSCAN');
  expect((await M.findById('k:7').lean())?.v).toBe(7);
});
