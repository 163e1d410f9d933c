/**
 * Time-bound access, recorded: when a membership's, a grant's or a RAE/co-RAE designation's window
 * opens or closes, the enterprise trail gets one record of it (`membership.started`,
 * `membership.expired`, `application-grant.started|expired`, `access-manager.started|expired` for
 * co-RAEs) and every instance re-reads the record, as after any change.
 *
 * Only the record waits for this sweep: the authorization check, the search, sessions and /me
 * compare the window with their own `now`. Once across instances and restarts: each bound reached
 * is claimed in the store by a conditional update that adds its key to `boundariesRecorded` only if
 * absent; the instance whose update matched writes the record, and gives the claim back if it
 * cannot. A bound reached while every instance was down is found by the first sweep after start.
 * A bound already past when the window was set (`windowSetAt`) is that change's own record.
 */
import type { ServiceBroker } from 'moleculer';
import { instantMs, passedBoundaries, type PassedBoundary, type ValidityWindow } from '@um/domain';
import { call, type Logger } from '@um/platform';
import type { UserManagementModels } from './model.js';
import type { Sync } from './sync.js';

interface Found {
  collection: 'Membership' | 'EnterpriseRole';
  id: string;
  enterpriseNumber: string;
  quality?: string;
  personId: string;
  kind: string;
  boundary: PassedBoundary;
  action: string;
  after: Record<string, unknown>;
}

/** The bounds reached at `now`, not yet recorded, and after the window was set. */
function reached(window: ValidityWindow, now: number, recorded: readonly string[], setAt: number, prefix = ''): PassedBoundary[] {
  return passedBoundaries(window, now, prefix).filter((b) => !recorded.includes(b.key) && Date.parse(b.at) >= setAt);
}

export class ExpirySweep {
  private running = false;

  constructor(
    private readonly models: UserManagementModels,
    private readonly sync: Sync,
    private readonly logger: Logger,
  ) {}

  /** What the projection holds that reached a bound since its window was set and is not yet recorded. */
  private pending(now: number): Found[] {
    const found: Found[] = [];
    for (const item of this.sync.projection.timeBound()) {
      const { record } = item;
      const recorded = record.boundariesRecorded ?? [];
      const setAt = instantMs(record.windowSetAt) ?? 0;
      const base = { id: record._id, enterpriseNumber: record.enterpriseNumber, personId: record.personId, kind: record.kind };
      if (item.type === 'enterprise-role') {
        for (const boundary of reached(record, now, recorded, setAt)) {
          const action = `${record.kind}.${boundary.change}`;
          found.push({ ...base, collection: 'EnterpriseRole', boundary, action, after: { roleId: record._id, kind: record.kind, [boundary.change === 'started' ? 'validFrom' : 'validUntil']: boundary.at } });
        }
        continue;
      }
      const m = item.record;
      const member = { ...base, collection: 'Membership' as const, quality: m.quality };
      for (const boundary of reached(m, now, recorded, setAt)) {
        found.push({ ...member, boundary, action: `membership.${boundary.change}`, after: { roleId: m.roleId, kind: m.kind, [boundary.change === 'started' ? 'validFrom' : 'validUntil']: boundary.at } });
      }
      for (const w of m.applicationWindows ?? []) {
        for (const boundary of reached(w, now, recorded, setAt, `app:${w.code}:`)) {
          found.push({ ...member, boundary, action: `application-grant.${boundary.change}`, after: { application: w.code, [boundary.change === 'started' ? 'validFrom' : 'validUntil']: boundary.at } });
        }
      }
    }
    return found;
  }

  /** One pass; overlapping passes of one instance are skipped (the claim guards across instances). */
  async run(broker: ServiceBroker, now = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let recorded = 0;
    try {
      for (const f of this.pending(now)) {
        if (await this.claimAndRecord(broker, f)) recorded += 1;
      }
    } finally {
      this.running = false;
    }
    if (recorded > 0) this.logger.info({ recorded }, 'validity bounds reached recorded in the enterprise trails');
    return recorded;
  }

  private async claimAndRecord(broker: ServiceBroker, f: Found): Promise<boolean> {
    const model = f.collection === 'Membership' ? this.models.Membership : this.models.EnterpriseRole;
    const claim = await (model as typeof this.models.Membership).updateOne({ _id: f.id, boundariesRecorded: { $ne: f.boundary.key } }, { $push: { boundariesRecorded: f.boundary.key } });
    const change = f.collection === 'Membership' ? { memberships: [f.id] } : { enterpriseRoles: [f.id] };
    if (claim.modifiedCount !== 1) {
      // Another instance recorded it (or the record is gone): only this projection is behind.
      await this.sync.refresh({ memberships: [], enterpriseRoles: [], ...change });
      return false;
    }
    try {
      await call(broker, 'enterprise.recordAudit', {
        enterpriseNumber: f.enterpriseNumber,
        ...(f.quality ? { quality: f.quality as never } : {}),
        actor: { personId: 'system' },
        action: f.action,
        target: { type: 'person', id: f.personId },
        after: f.after,
      });
    } catch (err) {
      // Given back: the next sweep (of any instance) tries again.
      await (model as typeof this.models.Membership).updateOne({ _id: f.id }, { $pull: { boundariesRecorded: f.boundary.key } });
      this.logger.warn({ err, action: f.action, record: f.id }, 'could not record a validity bound reached; trying again at the next sweep');
      return false;
    }
    await this.sync.announce(broker, change);
    return true;
  }
}
