/**
 * Keeping the memberships current with identity, and every instance's projection current with the
 * store. identity's events are balanced (one instance writes the store); after every write the
 * writer re-reads what it wrote into its own projection (so its answer and the caller's next read
 * agree), then broadcasts `user-management.membership.broadcast` and every other instance re-reads
 * the same records by _id (per record in arrival order, so a later read always wins).
 */
import type { Context } from 'moleculer';
import { applicationsListedFor, qualityKey, type QualityType } from '@um/domain';
import { CACHES, type PayloadOf } from '@um/contracts';
import { OwnedCache, broadcastEvent, call, type Logger } from '@um/platform';
import { membershipId, personUpdate, sameWindow, storedWindow, type UserManagementModels } from './model.js';
import { Projection, type EnterpriseRoleRecord, type MembershipRecord } from './projection.js';

type Caller = Pick<Context, 'call'>;
/** What a write changed: memberships and RAE/co-RAE roles, by _id. */
export type Change = PayloadOf<'user-management.membership.broadcast'>;

const NOT_KEPT = { createdAt: 0, updatedAt: 0, __v: 0 } as const;

export class Sync {
  /** Replaced whole by a reload; actions read it through this field on every call. */
  projection = new Projection();
  private loading = true;
  private reloading = false;
  /** Changes announced during a load or reload, re-read once it is in place. */
  private readonly queued: Change[] = [];
  private readonly chains = new Map<string, Promise<void>>();
  /**
   * What quality said of its qualities (`quality.state`: asked by every request on a quality's
   * users), kept as quality keeps them: quality's writes broadcast `cache.dropped` for
   * `quality.states`, which drops them here too (the service's `cache.dropped` handler).
   */
  readonly qualityStates: OwnedCache<{ active: boolean }>;

  constructor(
    private readonly models: UserManagementModels,
    private readonly logger: Logger,
    readCacheMs = 0,
  ) {
    this.qualityStates = new OwnedCache(CACHES.qualityStates, readCacheMs);
  }

  /** Whether the quality is active, from what quality said since its last change. */
  async qualityActive(caller: Caller, enterpriseNumber: string, type: QualityType): Promise<boolean> {
    const state = await this.qualityStates.read(qualityKey(enterpriseNumber, type), () => call(caller, 'quality.state', { enterpriseNumber, type }));
    return Boolean(state?.active);
  }

  /** Loads every membership and enterprise role; actions wait for it (see the service's `started`). */
  async load(): Promise<{ memberships: number; roles: number; ms: number }> {
    const started = Date.now();
    this.projection = await this.readAll();
    this.loading = false;
    this.replayQueued();
    const { memberships, enterpriseRoles } = this.projection.size;
    return { memberships, roles: enterpriseRoles, ms: Date.now() - started };
  }

  /**
   * Reads everything again into a new projection and swaps it in, while the current one keeps
   * answering. A broadcast missed by this instance (cut from NATS, or sent before the writer knew
   * this instance) is only ever repaired by reading the store again: this runs when NATS comes
   * back and every UM_PROJECTION_RELOAD_MINUTES. One at a time; false when one was already running.
   */
  async reload(reason: string): Promise<boolean> {
    if (this.loading || this.reloading) return false;
    this.reloading = true;
    const started = Date.now();
    try {
      this.projection = await this.readAll();
    } finally {
      this.reloading = false;
    }
    this.replayQueued();
    const { memberships, enterpriseRoles } = this.projection.size;
    this.logger.info({ reason, memberships, roles: enterpriseRoles, ms: Date.now() - started }, 'authorization projection reloaded');
    return true;
  }

  /** A cursor: bounded memory while reading. */
  private async readAll(): Promise<Projection> {
    const projection = new Projection();
    for await (const m of this.models.Membership.find({}, NOT_KEPT).lean<MembershipRecord>().cursor({ batchSize: 2_000 })) {
      projection.putMembership(m);
    }
    for await (const r of this.models.EnterpriseRole.find({}, NOT_KEPT).lean<EnterpriseRoleRecord>().cursor({ batchSize: 2_000 })) {
      projection.putEnterpriseRole(r);
    }
    return projection;
  }

  /** Changes announced while loading: the load may have read them before or after, so re-read. */
  private replayQueued(): void {
    for (const change of this.queued.splice(0)) void this.refresh(change);
  }

  /** After a write: into this instance's projection first, then every other instance's. */
  async announce(ctx: Pick<Context, 'broadcast'>, change: Partial<Change>): Promise<void> {
    const full: Change = { memberships: change.memberships ?? [], enterpriseRoles: change.enterpriseRoles ?? [] };
    await this.refresh(full);
    await broadcastEvent(ctx, 'user-management.membership.broadcast', full);
  }

  /** The broadcast: another instance wrote (this instance's own writes are already applied). */
  onBroadcast(ctx: Context, change: Change): Promise<void> {
    if (ctx.nodeID === ctx.broker.nodeID) return Promise.resolve();
    return this.refresh(change);
  }

  /** Re-reads these records from the store into the projection; serialised per record. */
  refresh(change: Change): Promise<void> {
    if (this.loading) {
      this.queued.push(change);
      return Promise.resolve();
    }
    // During a reload the current projection still answers, so it takes the change now, and the
    // new one after the swap (it may have read the record before the change).
    if (this.reloading) this.queued.push(change);
    // Memberships by _id in one read (a bulk import announces a chunk's at once).
    const memberships = [...new Set(change.memberships)];
    const reads = [
      ...(memberships.length === 0
        ? []
        : [
            this.serialised(
              memberships.map((id) => `m:${id}`),
              async () => {
                const found = memberships.length === 1
                  ? [await this.models.Membership.findById(memberships[0], NOT_KEPT).lean<MembershipRecord>()].filter((m) => m !== null)
                  : await this.models.Membership.find({ _id: { $in: memberships } }, NOT_KEPT).lean<MembershipRecord[]>();
                const byId = new Map(found.map((m) => [String(m._id), m]));
                for (const id of memberships) {
                  const m = byId.get(id);
                  if (m) this.projection.putMembership(m);
                  else this.projection.dropMembership(id);
                }
              },
            ),
          ]),
      ...change.enterpriseRoles.map((id) =>
        this.serialised(`r:${id}`, async () => {
          const r = await this.models.EnterpriseRole.findById(id, NOT_KEPT).lean<EnterpriseRoleRecord>();
          if (r) this.projection.putEnterpriseRole(r);
          else this.projection.dropEnterpriseRole(id);
        }),
      ),
    ];
    return Promise.all(reads).then(() => undefined);
  }

  /**
   * Runs `read` once every read queued before it for any of `keys` is done, and before any queued
   * after it: per record, reads start (and apply) in the order they were asked for.
   */
  private serialised(keys: string | string[], read: () => Promise<void>): Promise<void> {
    const all = typeof keys === 'string' ? [keys] : keys;
    const previous = all.flatMap((key) => {
      const chain = this.chains.get(key);
      return chain ? [chain] : [];
    });
    const next = (previous.length === 0 ? Promise.resolve() : Promise.all(previous))
      .then(read)
      .catch((err: unknown) => this.logger.error({ err, records: all.length > 3 ? `${all.slice(0, 3).join(', ')}, …` : all.join(', ') }, 'could not re-read a record into the projection'))
      .finally(() => {
        for (const key of all) if (this.chains.get(key) === next) this.chains.delete(key);
      });
    for (const key of all) this.chains.set(key, next);
    return next;
  }

  /**
   * identity.role.changed: mirror RAE/co-RAE roles, and GL/co-GL memberships. Each membership has
   * one writer: a user's is written by user-management's own actions (register, block, remove), so
   * the event of its role, which those actions caused, is their echo and changes nothing here.
   */
  async onRoleChanged(ctx: Context, event: PayloadOf<'identity.role.changed'>): Promise<void> {
    const { roleId, personId, kind, enterpriseNumber, quality, status } = event;
    if (!enterpriseNumber || kind === 'user') return;
    // Time-bound access: the role's window, mirrored whole (an absent bound is removed).
    const window = storedWindow(event);
    const unsetWindow = Object.fromEntries((['validFrom', 'validUntil'] as const).filter((key) => !window[key]).map((key) => [key, 1 as const]));
    // windowSetAt only when the bounds change: a bound already past then is that change's to record (expiry.ts).
    const windowUpdate = (set: Record<string, unknown>, before: { validFrom?: Date | null; validUntil?: Date | null } | null) => ({
      $set: { ...set, ...window, ...(before && sameWindow(before, window) ? {} : { windowSetAt: new Date() }) },
      ...(Object.keys(unsetWindow).length ? { $unset: unsetWindow } : {}),
    });
    if (kind === 'access-manager' || kind === 'co-access-manager') {
      if (status === 'revoked') await this.models.EnterpriseRole.deleteOne({ _id: roleId });
      else {
        const before = await this.models.EnterpriseRole.findById(roleId, { validFrom: 1, validUntil: 1 }).lean();
        await this.models.EnterpriseRole.updateOne({ _id: roleId }, windowUpdate({ personId, enterpriseNumber, kind, status }, before), { upsert: true });
      }
      await this.announce(ctx, { enterpriseRoles: [roleId] });
    } else if ((kind === 'local-manager' || kind === 'co-local-manager') && quality) {
      const id = membershipId({ enterpriseNumber, quality, personId });
      const existing = await this.models.Membership.findById(id, { roleId: 1, validFrom: 1, validUntil: 1 }).lean();
      if (status === 'revoked') {
        if (existing?.roleId === roleId) await this.models.Membership.deleteOne({ _id: id });
      } else if (existing?.roleId === roleId) await this.models.Membership.updateOne({ _id: id }, windowUpdate({ status }, existing));
      else await this.upsertFromRole(ctx, { id, roleId, personId, kind, enterpriseNumber, quality, status, ...window, windowSetAt: new Date() });
      await this.announce(ctx, { memberships: [id] });
    }
  }

  /** A GL or co-GL role granted by the quality service: its membership, person included, written whole. */
  private async upsertFromRole(
    caller: Caller,
    role: {
      id: string;
      roleId: string;
      personId: string;
      kind: 'local-manager' | 'co-local-manager';
      enterpriseNumber: string;
      quality: QualityType;
      status: 'active' | 'blocked';
      validFrom?: Date;
      validUntil?: Date;
      windowSetAt: Date;
    },
  ): Promise<void> {
    const [person] = await call(caller, 'identity.getPersons', { personIds: [role.personId] });
    if (!person) return;
    const { $set, $unset } = personUpdate(person);
    // A manager reaches the whole catalogue of the quality.
    const fields = { ...role, applications: applicationsListedFor(role.kind, role.quality) };
    const { id, ...stored } = fields;
    for (const key of ['validFrom', 'validUntil'] as const) if (!role[key]) $unset[key] = 1;
    await this.models.Membership.updateOne({ _id: id }, { $set: { ...$set, ...stored }, ...(Object.keys($unset).length ? { $unset } : {}) }, { upsert: true });
  }

  /**
   * identity.person.changed / identity.account.changed: refresh the person's copies. The store
   * update finds them by personId; the broadcast names the memberships this instance knows of the
   * person (the projection mirrors the store; a membership created meanwhile is announced itself).
   */
  async onPersonChanged(ctx: Context, personId: string): Promise<void> {
    const [person] = await call(ctx, 'identity.getPersons', { personIds: [personId] });
    if (!person) return;
    const { $set, $unset } = personUpdate(person);
    const result = await this.models.Membership.updateMany({ personId }, { $set, ...(Object.keys($unset).length ? { $unset } : {}) });
    if (result.matchedCount > 0) await this.announce(ctx, { memberships: this.projection.membershipsOf(personId).map((m) => m._id) });
  }
}
