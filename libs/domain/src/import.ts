/**
 * Bulk import of the users of a quality (one file, many registrations). Each row is one single
 * registration and obeys exactly its rules (the same field schemas, catalogue check and §7.1
 * rules); what belongs to the file as a whole lives here: its columns, how a cell lists
 * applications, which rows repeat an earlier one, and which known persons a file may reuse.
 */
import { canChangePerson, sameName, type HeldRole } from './person-scope.js';
import type { RoleScope } from './permissions.js';

/** The header of an import file, in this order (a CSV file may order its columns freely). */
export const IMPORT_COLUMNS = ['niss', 'firstName', 'lastName', 'title', 'language', 'email', 'companyEmail', 'username', 'applications'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
/** Columns a file must have; the others may be left out of the header. */
export const IMPORT_REQUIRED_COLUMNS: readonly ImportColumn[] = ['niss', 'firstName', 'lastName', 'language'];

/** Separates the applications inside one CSV cell (`;` and `,` already separate the cells). */
export const IMPORT_APPLICATIONS_SEPARATOR = '|';
/** Rows per file: a file of more is refused as a whole (split it). */
export const IMPORT_MAX_ROWS = 10_000;
/** Rows checked and applied together (one look-up of their NISS and usernames per chunk). */
export const IMPORT_CHUNK_ROWS = 250;

/** The applications of a CSV cell: `a|b|c`, blanks ignored. */
export function splitApplications(cell: string): string[] {
  return cell
    .split(IMPORT_APPLICATIONS_SEPARATOR)
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
}

export interface FileDuplicate {
  field: 'niss' | 'username';
  /** The earlier row that holds the same value: that one is imported, this one is not. */
  firstRow: number;
}

/**
 * Rows that repeat the NISS or the username of an earlier row of the same file: the first
 * occurrence is imported, every later one is an error (a file names each person once). Usernames
 * compare as the login does (exactly: the policy allows lower case only).
 */
export function duplicatesInFile(rows: ReadonlyArray<{ row: number; niss?: string; username?: string }>): Map<number, FileDuplicate> {
  const seen = { niss: new Map<string, number>(), username: new Map<string, number>() };
  const duplicates = new Map<number, FileDuplicate>();
  for (const r of [...rows].sort((a, b) => a.row - b.row)) {
    for (const field of ['niss', 'username'] as const) {
      const value = r[field]?.trim();
      if (!value) continue;
      const first = seen[field].get(value);
      if (first === undefined) seen[field].set(value, r.row);
      else if (!duplicates.has(r.row)) duplicates.set(r.row, { field, firstRow: first });
    }
  }
  return duplicates;
}

/**
 * The names sent for a known NISS that are not the person's (ignoring case and accents, §7.1):
 * a registration naming someone else than the NISS's holder is refused (PERSON_MISMATCH).
 */
export function mismatchedNames(
  known: { firstName: string; lastName: string },
  sent: { firstName?: string | undefined; lastName?: string | undefined },
): Array<'firstName' | 'lastName'> {
  return (['firstName', 'lastName'] as const).filter((field) => sent[field] !== undefined && !sameName(sent[field], known[field]));
}

/**
 * Whether an import may reuse a known person: only one whose every role lies in the importing
 * manager's scope (the §7.1 line, `canChangePerson`). A file carries person-level data (username,
 * language, e-mail) that a manager may only assert for their own people; a person known elsewhere
 * is added one at a time, through the single registration and its NISS look-up.
 */
export function importMayReusePerson(actor: RoleScope | undefined, personRoles: readonly HeldRole[]): boolean {
  // A person without any role is nobody else's: reused like by the single registration.
  return personRoles.length === 0 || canChangePerson(actor, personRoles);
}
