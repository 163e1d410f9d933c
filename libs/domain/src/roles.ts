/**
 * What each role kind is (PRODUCT.md §2), written once: which applications it reaches, which
 * roles exist once per scope, and which two roles one person may not hold in the same scope.
 */
import { APPLICATIONS_BY_QUALITY, USER_MANAGEMENT_APPLICATION, type QualityType } from './catalogue.js';
import type { RoleKind } from './permissions.js';

const isEnterpriseManager = (kind: string) => kind === 'access-manager' || kind === 'co-access-manager';
const isQualityManager = (kind: string) => kind === 'local-manager' || kind === 'co-local-manager';

/**
 * The applications a role lists as its own: RAE/co-RAE User Management only; GL/co-GL every
 * application of their quality; a user what a manager granted them.
 */
export function applicationsListedFor(kind: RoleKind | string, quality: QualityType | undefined, granted: readonly string[] = []): string[] {
  if (isEnterpriseManager(kind)) return [USER_MANAGEMENT_APPLICATION];
  if (isQualityManager(kind)) return quality ? [...APPLICATIONS_BY_QUALITY[quality]] : [];
  if (kind === 'user') return [...granted];
  return [];
}

/**
 * Whether the role opens `application`: what it lists, and User Management for every role — managers
 * manage their people there, and a user consults and changes their own data as soon as added
 * (manual 1.3.2).
 */
export function reachesApplication(kind: RoleKind | string, quality: QualityType | undefined, granted: readonly string[], application: string): boolean {
  if (application === USER_MANAGEMENT_APPLICATION) return true;
  return applicationsListedFor(kind, quality, granted).includes(application);
}

/** The one scope in which a role kind exists at most once (the RAE of an enterprise, the GL of a quality), as a key. */
export function exclusiveScopeKey(kind: RoleKind | string, enterpriseNumber?: string, quality?: string): string | undefined {
  if (kind === 'access-manager') return `access-manager:${enterpriseNumber}`;
  if (kind === 'local-manager') return `local-manager:${enterpriseNumber}:${quality}`;
  return undefined;
}

/** The role that excludes `kind` for the same person in the same scope: a RAE is no co-RAE of its enterprise, a GL no co-GL of its quality. */
export function excludedBy(kind: RoleKind): RoleKind | undefined {
  const pairs: Partial<Record<RoleKind, RoleKind>> = {
    'access-manager': 'co-access-manager',
    'co-access-manager': 'access-manager',
    'local-manager': 'co-local-manager',
    'co-local-manager': 'local-manager',
  };
  return pairs[kind];
}
