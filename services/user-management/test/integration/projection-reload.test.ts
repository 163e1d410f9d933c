/**
 * user-management in-process against the real NATS and store: a membership written by another
 * instance whose broadcast this instance missed reaches the projection when NATS comes back, and
 * on the periodic reload.
 */
import { Types } from 'mongoose';
import { call, loadConfig } from '@um/platform';
import { UserManagementConfig, buildUserManagementService } from '../../src/user-management.service';
import { startService, type IntegrationHarness } from '../../../../test/support/broker';
import { uniqueEnterpriseNumber, uniqueNiss } from '../../../../test/support/fixtures';

const harnesses: Array<IntegrationHarness<UserManagementConfig>> = [];
const start = async (env: Record<string, string>) => {
  const h = await startService('user-management', buildUserManagementService, (e) => loadConfig(UserManagementConfig, e), env);
  harnesses.push(h);
  return h;
};
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.stop()));
});

/** Written straight into the store, as an instance whose broadcast was lost would have. */
async function writeMembershipBehindItsBack(h: IntegrationHarness<UserManagementConfig>) {
  const personId = new Types.ObjectId().toHexString();
  const enterpriseNumber = uniqueEnterpriseNumber();
  const now = new Date();
  await h.db.collection('memberships').insertOne({
    _id: `${enterpriseNumber}:employer:${personId}` as unknown as Types.ObjectId,
    personId, enterpriseNumber, quality: 'employer', roleId: new Types.ObjectId().toHexString(), kind: 'user', status: 'active',
    applications: ['dimona'], username: 'missed0001', firstName: 'Mia', lastName: 'Missed', niss: uniqueNiss(), language: 'en', emails: [],
    accountStatus: 'active', usernameLower: 'missed0001', firstNameLower: 'mia', lastNameLower: 'missed', emailsLower: [], createdAt: now, updatedAt: now,
  });
  return { personId, enterpriseNumber };
}

const check = (h: IntegrationHarness<UserManagementConfig>, m: { personId: string; enterpriseNumber: string }) =>
  call(h.broker, 'user-management.check', { application: 'dimona', enterpriseNumber: m.enterpriseNumber, quality: 'employer' }, { meta: { principal: { personId: m.personId, sessionId: 's1' } } });

async function eventually(read: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await read()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return read();
}

test('when NATS comes back after a cut, then the projection is read again and a membership whose broadcast was missed is seen', async () => {
  const h = await start({ UM_PROJECTION_RELOAD_MINUTES: '0' });
  const missed = await writeMembershipBehindItsBack(h);
  expect(await check(h, missed)).toEqual({ allowed: false, reason: 'no-membership' });
  // What Moleculer announces when the transporter connects again.
  h.broker.broadcastLocal('$transporter.connected', { wasReconnect: true });
  expect(await eventually(async () => (await check(h, missed)).allowed, 5_000)).toBe(true);
});

test('when UM_PROJECTION_RELOAD_MINUTES has passed, then the projection is read again without any event', async () => {
  const h = await start({ UM_PROJECTION_RELOAD_MINUTES: '0.02' }); // 1.2 s
  const missed = await writeMembershipBehindItsBack(h);
  expect((await check(h, missed)).allowed).toBe(false);
  expect(await eventually(async () => (await check(h, missed)).allowed, 6_000)).toBe(true);
});
