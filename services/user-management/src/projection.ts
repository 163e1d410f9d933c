/**
 * The in-memory projection each user-management instance answers authorization checks from: per
 * person, their quality memberships and enterprise manager roles. Loaded from the store at start,
 * then replaced person by person when a change is broadcast, so a check never queries the store.
 */
import { APPLICATIONS_BY_QUALITY, USER_MANAGEMENT_APPLICATION, type QualityType } from '@um/domain';
import type { AuthorizationCheckResult } from '@um/contracts';

export interface ProjectedMembership {
  enterpriseNumber: string;
  quality: QualityType;
  kind: string;
  status: string;
  accountStatus: string;
  applications: readonly string[];
}

export interface ProjectedEnterpriseRole {
  enterpriseNumber: string;
  kind: string;
  status: string;
}

export interface PersonEntry {
  memberships: ProjectedMembership[];
  enterpriseRoles: ProjectedEnterpriseRole[];
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
  'account-inactive': 1,
  'no-membership': 0,
};

export class Projection {
  private readonly persons = new Map<string, PersonEntry>();

  get size(): number {
    return this.persons.size;
  }

  set(personId: string, entry: PersonEntry): void {
    if (entry.memberships.length === 0 && entry.enterpriseRoles.length === 0) this.persons.delete(personId);
    else this.persons.set(personId, entry);
  }

  addMembership(personId: string, m: ProjectedMembership): void {
    const entry = this.persons.get(personId) ?? { memberships: [], enterpriseRoles: [] };
    entry.memberships.push(m);
    this.persons.set(personId, entry);
  }

  addEnterpriseRole(personId: string, r: ProjectedEnterpriseRole): void {
    const entry = this.persons.get(personId) ?? { memberships: [], enterpriseRoles: [] };
    entry.enterpriseRoles.push(r);
    this.persons.set(personId, entry);
  }

  /**
   * May this person open `application` for the enterprise (and quality)? Active membership with
   * the application granted, or GL/co-GL of the quality (its whole catalogue); RAE/co-RAE only
   * User Management (GL/co-GL too: they manage their quality's users). Without a quality, any
   * quality of the enterprise will do.
   */
  check(personId: string, application: string, enterpriseNumber: string, quality?: QualityType): AuthorizationCheckResult {
    const entry = this.persons.get(personId);
    let best: Reason = 'no-membership';
    const consider = (reason: Reason) => {
      if (RANK[reason] > RANK[best]) best = reason;
    };
    if (entry) {
      if (application === USER_MANAGEMENT_APPLICATION) {
        for (const role of entry.enterpriseRoles) {
          if (role.enterpriseNumber !== enterpriseNumber) continue;
          consider(role.status === 'active' ? 'access-manager' : 'membership-blocked');
        }
      }
      for (const m of entry.memberships) {
        if (m.enterpriseNumber !== enterpriseNumber || (quality !== undefined && m.quality !== quality)) continue;
        if (m.accountStatus !== 'active') consider('account-inactive');
        else if (m.status !== 'active') consider('membership-blocked');
        else if (isManager(m.kind)) {
          const reach = application === USER_MANAGEMENT_APPLICATION || APPLICATIONS_BY_QUALITY[m.quality].includes(application);
          consider(reach ? 'local-manager' : 'application-not-granted');
        } else consider(m.applications.includes(application) ? 'granted' : 'application-not-granted');
      }
    }
    return { allowed: RANK[best] === 9, reason: best };
  }
}
