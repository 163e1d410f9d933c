/** mongoose 9 against the store npm test provides (FerretDB locally): what the services rely on. */
import { randomBytes } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import { BaseConfig, connectStore, createLogger, initModels, isDuplicateKey, loadConfig, pingStore } from '@um/platform';
import { requireServers } from '../../../../test/support/broker';
import { indexOfPlan } from '../../../../test/support/plan';

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

test('when a model also has a plain secondary index, then it is created and a find by its fields reads it (the store reads every declared index)', async () => {
  const schema = new Schema({ code: { type: String, unique: true }, enterpriseNumber: String, at: Date });
  schema.index({ enterpriseNumber: 1, at: -1 });
  const M = db.model('Indexed', schema);
  await initModels(db, [M]);
  const keys = (await M.collection.indexes()).map((i) => JSON.stringify(i.key));
  expect(keys).toContain(JSON.stringify({ code: 1 }));
  expect(keys).toContain(JSON.stringify({ enterpriseNumber: 1, at: -1 }));
  // Enough documents that reading an index is the planner's choice over reading them all.
  await M.insertMany(Array.from({ length: 3000 }, (_v, i) => ({ code: `c${i}`, enterpriseNumber: `0${400000000 + (i % 300)}`, at: new Date(i) })));
  expect(indexOfPlan(await M.find({ enterpriseNumber: '0400000007' }).explain())).toBeDefined();
  expect(indexOfPlan(await M.find({ code: 'c42' }).explain())).toBeDefined();
  expect(await M.countDocuments({ enterpriseNumber: '0400000007' })).toBe(10);
  expect(isDuplicateKey(await M.create({ code: 'c1' }).catch((err: unknown) => err))).toBe(true);
});

test('when an update gives a document a value a unique index holds already, then it fails with 11000 and changes nothing', async () => {
  const M = db.model('Indexed');
  const err = await M.updateOne({ code: 'c2' }, { $set: { code: 'c3' } }).catch((e: unknown) => e);
  expect(isDuplicateKey(err)).toBe(true);
  expect(await M.countDocuments({ code: 'c2' })).toBe(1);
});

test('when a find names a field of a sub-document that an index declares, then the store reads that index', async () => {
  const schema = new Schema({ account: new Schema({ username: String }, { _id: false }), n: Number });
  schema.index({ 'account.username': 1 }, { unique: true, sparse: true });
  const M = db.model('Nested', schema);
  await initModels(db, [M]);
  await M.insertMany(Array.from({ length: 3000 }, (_v, i) => ({ account: { username: `user${i}` }, n: i })));
  expect(indexOfPlan(await M.find({ 'account.username': 'user42' }).explain())).toBeDefined();
  expect((await M.findOne({ 'account.username': 'user42' }).lean<{ n: number }>())?.n).toBe(42);
});

test('when a find asks for values of an indexed field with $in, then the store reads the index and finds each', async () => {
  const M = db.model('Indexed');
  expect(indexOfPlan(await M.find({ code: { $in: ['c5', 'c6', 'nope'] } }).explain())).toBeDefined();
  expect((await M.find({ code: { $in: ['c5', 'c6', 'nope'] } }).lean()).length).toBe(2);
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

test('when a document is looked up by _id, or by several with $in, then the store serves it from the _id index', async () => {
  const M = db.model('Keyed', new Schema({ _id: String, v: Number }));
  await M.insertMany(Array.from({ length: 3000 }, (_v, i) => ({ _id: `k:${i}`, v: i })));
  expect(indexOfPlan(await M.find({ _id: 'k:7' }).explain())).toMatch(/_id/);
  expect(indexOfPlan(await M.find({ _id: { $in: ['k:7', 'k:8'] } }).explain())).toMatch(/_id/);
  expect((await M.findById('k:7').lean())?.v).toBe(7);
  expect((await M.find({ _id: { $in: ['k:7', 'k:8', 'k:none'] } }).lean()).map((d) => d.v).sort()).toEqual([7, 8]);
});
