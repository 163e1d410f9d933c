/**
 * The in-memory read model each user-management instance answers authorization checks, searches
 * and /me's applications from: every membership (with its copy of the person) and every RAE/co-RAE
 * role, indexed by person and by enterprise. Loaded from the store at start, then kept current
 * record by record when a change is broadcast (sync.ts), so none of these reads queries the store.
 */
import { applicationsCurrentAt, isBounded, isCurrentAt, reachesApplication, type ApplicationWindow, type QualityType } from '@um/domain';
import type { AuthorizationCheckResult } from '@um/contracts';
import type { MembershipDoc } from './model.js';
import type { SearchPlan } from './query.js';

/** A stored membership as the projection keeps it (_id: see membershipId). */
export type MembershipRecord = Omit<MembershipDoc, 'createdAt' | 'updatedAt'> & { _id: string };

export interface EnterpriseRoleRecord {
  /** The identity role's id. */
  _id: string;
  personId: string;
  enterpriseNumber: string;
  kind: string;
  status: string;
  validFrom?: Date | null;
  validUntil?: Date | null;
  windowSetAt?: Date | null;
  boundariesRecorded?: string[] | null;
}

const isManager = (kind: string) => kind === 'local-manager' || kind === 'co-local-manager';
type Reason = AuthorizationCheckResult['reason'];

/** Worse reasons first lose to better ones: what the caller most needs to know. */
const RANK: Record<Reason, number> = {
  granted: 9,
  'local-manager': 9,
  'access-manager': 9,
  'application-not-granted': 3,
  'membership-blocked': 2,
  'membership-not-current': 2,
  'account-inactive': 1,
  'no-membership': 0,
};

function addTo<T>(index: Map<string, Map<string, T>>, key: string, id: string, value: T): void {
  let group = index.get(key);
  if (!group) index.set(key, (group = new Map()));
  group.set(id, value);
}

function removeFrom<T>(index: Map<string, Map<string, T>>, key: string, id: string): void {
  const group = index.get(key);
  if (!group) return;
  group.delete(id);
  if (group.size === 0) index.delete(key);
}

/** A membership's granted applications that hold at `now` (time-bound grants). */
export function grantedAt(m: Pick<MembershipRecord, 'applications' | 'applicationWindows'>, now: number): string[] {
  return applicationsCurrentAt(m.applications, (m.applicationWindows ?? undefined) as ApplicationWindow[] | undefined, now);
}

export class Projection {
  private readonly memberships = new Map<string, MembershipRecord>();
  private readonly membershipsByPerson = new Map<string, Map<string, MembershipRecord>>();
  private readonly membershipsByEnterprise = new Map<string, Map<string, MembershipRecord>>();
  private readonly enterpriseRoles = new Map<string, EnterpriseRoleRecord>();
  private readonly enterpriseRolesByPerson = new Map<string, Map<string, EnterpriseRoleRecord>>();

  get size(): { memberships: number; enterpriseRoles: number } {
    return { memberships: this.memberships.size, enterpriseRoles: this.enterpriseRoles.size };
  }

  putMembership(record: MembershipRecord): void {
    this.dropMembership(record._id);
    this.memberships.set(record._id, record);
    addTo(this.membershipsByPerson, record.personId, record._id, record);
    addTo(this.membershipsByEnterprise, record.enterpriseNumber, record._id, record);
  }

  dropMembership(id: string): void {
    const old = this.memberships.get(id);
    if (!old) return;
    this.memberships.delete(id);
    removeFrom(this.membershipsByPerson, old.personId, id);
    removeFrom(this.membershipsByEnterprise, old.enterpriseNumber, id);
  }

  putEnterpriseRole(record: EnterpriseRoleRecord): void {
    this.dropEnterpriseRole(record._id);
    this.enterpriseRoles.set(record._id, record);
    addTo(this.enterpriseRolesByPerson, record.personId, record._id, record);
  }

  dropEnterpriseRole(id: string): void {
    const old = this.enterpriseRoles.get(id);
    if (!old) return;
    this.enterpriseRoles.delete(id);
    removeFrom(this.enterpriseRolesByPerson, old.personId, id);
  }

  /** Every membership and RAE/co-RAE role with a window (the expiry sweep's candidates). */
  *timeBound(): Generator<{ type: 'membership'; record: MembershipRecord } | { type: 'enterprise-role'; record: EnterpriseRoleRecord }> {
    for (const record of this.memberships.values()) {
      if (isBounded(record) || (record.applicationWindows?.length ?? 0) > 0) yield { type: 'membership', record };
    }
    for (const record of this.enterpriseRoles.values()) if (isBounded(record)) yield { type: 'enterprise-role', record };
  }

  /** One membership by its id (see membershipId). */
  membership(id: string): MembershipRecord | undefined {
    return this.memberships.get(id);
  }

  membershipsOf(personId: string): MembershipRecord[] {
    return [...(this.membershipsByPerson.get(personId)?.values() ?? [])];
  }

  /** One page of an enterprise's memberships matching the plan, in its order, and how many match. */
  search(enterpriseNumber: string, plan: SearchPlan): { items: MembershipRecord[]; total: number } {
    const matched: MembershipRecord[] = [];
    for (const record of this.membershipsByEnterprise.get(enterpriseNumber)?.values() ?? []) {
      if (record.enterpriseNumber === enterpriseNumber && plan.matches(record)) matched.push(record);
    }
    matched.sort(plan.compare);
    return { items: matched.slice(plan.skip, plan.skip + plan.limit), total: matched.length };
  }

  /**
   * May this person open `application` for the enterprise (and quality)? Active membership with
   * the application granted, or GL/co-GL of the quality (its whole catalogue); RAE/co-RAE only
   * User Management (GL/co-GL and users too: every member manages at least their own data). Without a quality, any
   * quality of the enterprise will do. Time-bound access: a membership, role or grant counts only
   * inside its window at `now` (compared on every check: an expiry needs nobody to notice it).
   */
  check(personId: string, application: string, enterpriseNumber: string, quality?: QualityType, now = Date.now()): AuthorizationCheckResult {
    let best: Reason = 'no-membership';
    const consider = (reason: Reason) => {
      if (RANK[reason] > RANK[best]) best = reason;
    };
    for (const role of this.enterpriseRolesByPerson.get(personId)?.values() ?? []) {
      if (role.enterpriseNumber !== enterpriseNumber || !reachesApplication(role.kind, undefined, [], application)) continue;
      if (role.status !== 'active') consider('membership-blocked');
      else consider(isCurrentAt(role, now) ? 'access-manager' : 'membership-not-current');
    }
    for (const m of this.membershipsByPerson.get(personId)?.values() ?? []) {
      if (m.enterpriseNumber !== enterpriseNumber || (quality !== undefined && m.quality !== quality)) continue;
      if (m.accountStatus !== 'active') consider('account-inactive');
      else if (m.status !== 'active') consider('membership-blocked');
      else if (!isCurrentAt(m, now)) consider('membership-not-current');
      else {
        const reach = reachesApplication(m.kind, m.quality as QualityType, grantedAt(m, now), application);
        if (!reach) consider('application-not-granted');
        else consider(isManager(m.kind) ? 'local-manager' : 'granted');
      }
    }
    return { allowed: RANK[best] === 9, reason: best };
  }
}
