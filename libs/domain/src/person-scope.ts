/**
 * The person/membership line (PRODUCT.md §7.1). Person-level data — names, title, language,
 * personal e-mails, username, password, certificate, account status — belongs to the person, who
 * may hold roles in several enterprises and qualities. A manager may change it only when every role
 * the person holds (active or blocked) lies inside the manager's own scope; otherwise a manager of
 * one enterprise could take over an account that another enterprise relies on. Membership data
 * (applications, company e-mail, the membership's own status) is not person-level and stays under
 * the ordinary rights table.
 */
import type { QualityType } from './catalogue.js';
import type { RoleKind, RoleScope } from './permissions.js';

/** A role the person holds, as identity stores it (its status does not matter here). */
export interface HeldRole {
  kind: RoleKind | string;
  enterpriseNumber?: string | null;
  quality?: QualityType | string | null;
}

/**
 * Whether `role` lies inside what `actor` manages: for a GL/co-GL, that quality of that
 * enterprise; for a RAE/co-RAE, that enterprise; the contact centre, everywhere; anyone else,
 * nowhere. A role without an enterprise (an operator's) lies inside the contact centre's scope only.
 */
export function roleWithinScope(actor: RoleScope, role: HeldRole): boolean {
  switch (actor.kind) {
    case 'contact-centre':
      return true;
    case 'access-manager':
    case 'co-access-manager':
      return actor.enterpriseNumber !== undefined && role.enterpriseNumber === actor.enterpriseNumber;
    case 'local-manager':
    case 'co-local-manager':
      return (
        actor.enterpriseNumber !== undefined &&
        actor.quality !== undefined &&
        role.enterpriseNumber === actor.enterpriseNumber &&
        role.quality === actor.quality
      );
    default:
      return false;
  }
}

/**
 * May `actor` change the person-level data of a person holding `personRoles`? Only when every one
 * of those roles lies in the actor's scope. A manager must also reach the person through at least
 * one role (a person with no role in the manager's scope is not theirs to change); the contact
 * centre may change anyone.
 */
export function canChangePerson(actor: RoleScope | undefined, personRoles: readonly HeldRole[]): boolean {
  if (!actor) return false;
  if (actor.kind === 'contact-centre') return true;
  if (personRoles.length === 0) return false;
  return personRoles.every((role) => roleWithinScope(actor, role));
}

/**
 * A person name compared as people read it: Unicode-decomposed (NFD), combining marks (accents)
 * removed, lower-cased, white space collapsed — "Émile  DUPONT" and "emile dupont" are the same.
 */
export function comparableName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Whether the names sent for a known NISS match the person's, ignoring case and accents. */
export function sameName(a: string, b: string): boolean {
  return comparableName(a) === comparableName(b);
}
