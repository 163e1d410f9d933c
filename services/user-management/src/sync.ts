/**
 * Keeping the memberships current with identity, and every instance's projection current with the
 * store. identity's events are balanced (one instance writes the store); after every write the
 * writer broadcasts `user-management.membership.broadcast`, and each instance reloads that
 * person's entries from the store (per person in arrival order, so a later reload always wins).
 */
import type { Context, ServiceBroker } from 'moleculer';
import { APPLICATIONS_BY_QUALITY, type QualityType } from '@um/domain';
import type { PayloadOf } from '@um/contracts';
import { broadcastEvent, call, isDuplicateKey, type Logger } from '@um/platform';
import { personUpdate, type UserManagementModels } from './model.js';
import { Projection, type PersonEntry } from './projection.js';

type Broadcaster = Pick<ServiceBroker, 'broadcast'> | Pick<Context, 'broadcast'>;
type Caller = Pick<ServiceBroker, 'call'> | Pick<Context, 'call'>;

export function announce(b: Broadcaster, personId: string, roleId?: string): Promise<void> {
  return broadcastEvent(b, 'user-management.membership.broadcast', { personId, ...(roleId ? { roleId } : {}) });
}

/** What the projection keeps of a stored membership. */
function projected(m: {
  enterpriseNumber: string;
  quality: string;
  kind: PersonEntry['memberships'][number]['kind'];
  status: PersonEntry['memberships'][number]['status'];
  accountStatus: PersonEntry['memberships'][number]['accountStatus'];
  applications: string[];
}): PersonEntry['memberships'][number] {
  return {
    enterpriseNumber: m.enterpriseNumber,
    quality: m.quality as QualityType,
    kind: m.kind,
    status: m.status,
    accountStatus: m.accountStatus,
    applications: m.applications,
  };
}

const isUniqueViolation = (err: unknown) => isDuplicateKey(err) || /UNIQUE constraint failed/.test(String((err as Error)?.message));

export class Sync {
  readonly projection = new Projection();
  private loading = true;
  private readonly queued = new Set<string>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly models: UserManagementModels,
    private readonly logger: Logger,
  ) {}

  /** Loads every membership and enterprise role (a cursor: bounded memory while reading). */
  async load(): Promise<{ memberships: number; roles: number; ms: number }> {
    const started = Date.now();
    let memberships = 0;
    let roles = 0;
    const fields = { personId: 1, enterpriseNumber: 1, quality: 1, kind: 1, status: 1, accountStatus: 1, applications: 1 };
    for await (const m of this.models.Membership.find({}, fields).lean().cursor({ batchSize: 2_000 })) {
      this.projection.addMembership(m.personId, projected(m));
      memberships += 1;
    }
    for await (const r of this.models.EnterpriseRole.find({}).lean().cursor({ batchSize: 2_000 })) {
      this.projection.addEnterpriseRole(r.personId, { enterpriseNumber: r.enterpriseNumber, kind: r.kind, status: r.status });
      roles += 1;
    }
    this.loading = false;
    // Changes announced while loading: the load may have read them before or after, so reload.
    for (const personId of this.queued) this.reload(personId);
    this.queued.clear();
    return { memberships, roles, ms: Date.now() - started };
  }

  /** Replaces the person's entries with what the store holds now; serialised per person. */
  reload(personId: string): Promise<void> {
    if (this.loading) {
      this.queued.add(personId);
      return Promise.resolve();
    }
    const previous = this.chains.get(personId) ?? Promise.resolve();
    const next = previous
      .then(() => this.readPerson(personId))
      .then((entry) => this.projection.set(personId, entry))
      .catch((err: unknown) => this.logger.error({ err, personId }, 'could not reload a person into the projection'))
      .finally(() => {
        if (this.chains.get(personId) === next) this.chains.delete(personId);
      });
    this.chains.set(personId, next);
    return next;
  }

  private async readPerson(personId: string): Promise<PersonEntry> {
    const [memberships, roles] = await Promise.all([
      this.models.Membership.find({ personId }).lean(),
      this.models.EnterpriseRole.find({ personId }).lean(),
    ]);
    return {
      memberships: memberships.map(projected),
      enterpriseRoles: roles.map((r) => ({ enterpriseNumber: r.enterpriseNumber, kind: r.kind, status: r.status })),
    };
  }

  /** identity.role.changed: mirror RAE/co-RAE roles, and GL/co-GL (and user) memberships. */
  async onRoleChanged(ctx: Context, event: PayloadOf<'identity.role.changed'>): Promise<void> {
    const { roleId, personId, kind, enterpriseNumber, quality, status } = event;
    if (!enterpriseNumber) return;
    if (kind === 'access-manager' || kind === 'co-access-manager') {
      if (status === 'revoked') await this.models.EnterpriseRole.deleteOne({ roleId });
      else await this.models.EnterpriseRole.updateOne({ roleId }, { $set: { personId, enterpriseNumber, kind, status } }, { upsert: true });
    } else if ((kind === 'local-manager' || kind === 'co-local-manager' || kind === 'user') && quality) {
      if (status === 'revoked') await this.models.Membership.deleteOne({ roleId });
      else {
        const existing = await this.models.Membership.findOne({ roleId }, { _id: 1 }).lean();
        if (existing) await this.models.Membership.updateOne({ roleId }, { $set: { status } });
        else await this.upsertFromRole(ctx, { roleId, personId, kind, enterpriseNumber, quality, status });
      }
    } else return;
    await announce(ctx, personId, roleId);
  }

  /** A role granted elsewhere (GL, co-GL by the quality service): its membership, person included. */
  private async upsertFromRole(caller: Caller, role: { roleId: string; personId: string; kind: string; enterpriseNumber: string; quality: QualityType; status: 'active' | 'blocked' }): Promise<void> {
    const [person] = await call(caller, 'identity.getPersons', { personIds: [role.personId] });
    if (!person) return;
    const { $set, $unset } = personUpdate(person);
    const manager = role.kind !== 'user';
    const update = {
      $set: { ...$set, roleId: role.roleId, kind: role.kind, status: role.status, ...(manager ? { applications: [...APPLICATIONS_BY_QUALITY[role.quality]] } : {}) },
      ...(Object.keys($unset).length ? { $unset } : {}),
      ...(manager ? {} : { $setOnInsert: { applications: [] } }),
    };
    const key = { personId: role.personId, enterpriseNumber: role.enterpriseNumber, quality: role.quality };
    try {
      await this.models.Membership.updateOne(key, update, { upsert: true });
    } catch (err) {
      // Two writers upserting the same membership: the second one updates what the first inserted.
      if (!isUniqueViolation(err)) throw err;
      await this.models.Membership.updateOne(key, update);
    }
  }

  /** identity.person.changed / identity.account.changed: refresh the person's copies. */
  async onPersonChanged(ctx: Context, personId: string): Promise<void> {
    const [person] = await call(ctx, 'identity.getPersons', { personIds: [personId] });
    if (!person) return;
    const { $set, $unset } = personUpdate(person);
    const result = await this.models.Membership.updateMany({ personId }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) });
    if (result.matchedCount > 0) await announce(ctx, personId);
  }
}

export { isUniqueViolation };
