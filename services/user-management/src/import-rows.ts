/**
 * What to do with each row of an import chunk, decided without writing anything (the dry run is
 * this alone): the single registration's rules, row by row — the body's field schemas, the
 * quality's catalogue, the names of a known NISS (PERSON_MISMATCH), a new person's username — plus
 * the file's own (a repeated NISS or username, libs/domain import.ts) and the §7.1 line for a known
 * person (`importMayReusePerson`). A person already a user of the quality is `unchanged`.
 */
import { duplicatesInFile, importMayReusePerson, mismatchedNames, type FileDuplicate, type QualityType, type RoleScope } from '@um/domain';
import { ImportRow, type FieldError, type ImportInputRow, type ImportLookupResult, type ImportReportItem } from '@um/contracts';
import { ClientProblem, fieldErrors, validationProblem } from '@um/platform';
import { checkApplications } from './actions/users.js';

/** A row that passed every check: it will be registered (a new person, or a known one reused). */
export interface PlannedRow {
  row: number;
  status: 'created' | 'reused';
  body: ImportRow;
  personId?: string;
}

export type RowPlan = PlannedRow | ImportReportItem;

export function isPlanned(plan: RowPlan): plan is PlannedRow {
  return 'body' in plan;
}

/** Field errors kept per row: enough to correct it, and a report page stays one message. */
const MAX_ROW_ERRORS = 20;

/** A row's error, from the problem the single registration would have answered. */
export function rowError(row: number, problem: ClientProblem | { type: string; message: string; data?: unknown }): ImportReportItem {
  const errors = (problem.data as { errors?: FieldError[] } | undefined)?.errors?.slice(0, MAX_ROW_ERRORS);
  return { row, status: 'error', code: problem.type, detail: problem.message, ...(errors?.length ? { errors } : {}) };
}

/** Reads a row (schema and catalogue); a row that cannot become a registration is its error. */
export function readRow(input: ImportInputRow, quality: QualityType): { row: number; body: ImportRow } | ImportReportItem {
  if (input.malformed) return { row: input.row, status: 'error', code: 'MALFORMED_BODY', detail: input.malformed };
  const parsed = ImportRow.safeParse(input.values);
  if (!parsed.success) return rowError(input.row, validationProblem(fieldErrors(parsed.error)));
  try {
    const applications = checkApplications(quality, parsed.data.applications) ?? [];
    return { row: input.row, body: { ...parsed.data, applications } };
  } catch (err) {
    if (err instanceof ClientProblem) return rowError(input.row, err);
    throw err;
  }
}

/** The duplicates of a whole file, from every row's raw NISS and username. */
export function fileDuplicates(rows: readonly ImportInputRow[]): Map<number, FileDuplicate> {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return duplicatesInFile(rows.map((r) => ({ row: r.row, niss: text(r.values.niss), username: text(r.values.username) })));
}

export interface ChunkFacts {
  enterpriseNumber: string;
  quality: QualityType;
  /** The importing manager's role (the §7.1 line is drawn from it). */
  actor: RoleScope | undefined;
  duplicates: ReadonlyMap<number, FileDuplicate>;
  lookup: ImportLookupResult;
}

/** The plan of one row that was read, given what identity knows of its NISS and username. */
export function planRow(read: { row: number; body: ImportRow }, facts: ChunkFacts): RowPlan {
  const { row, body } = read;
  const duplicate = facts.duplicates.get(row);
  if (duplicate) {
    const message = `the ${duplicate.field} of row ${duplicate.firstRow} again: a file names each person once`;
    return { row, status: 'error', code: 'DUPLICATE_IN_FILE', detail: message, errors: [{ field: duplicate.field, code: 'DUPLICATE_IN_FILE', message }] };
  }
  const known = facts.lookup.persons.find((p) => p.niss === body.niss);
  if (known) {
    const mismatch = mismatchedNames(known, body);
    if (mismatch.length > 0) {
      return rowError(row, new ClientProblem('PERSON_MISMATCH', 'a person with this NISS is known under another name', {
        errors: mismatch.map((field) => ({ field, code: 'PERSON_MISMATCH', message: 'differs from the name of the person known by this NISS' })),
      }));
    }
    const here = known.roles.filter((r) => r.enterpriseNumber === facts.enterpriseNumber && r.quality === facts.quality);
    if (here.some((r) => r.kind === 'user')) return { row, status: 'unchanged', personId: known.personId };
    if (here.length > 0) {
      return rowError(row, new ClientProblem('ALREADY_MEMBER', 'this person is already a member of this quality', {
        errors: [{ field: 'niss', code: 'ALREADY_MEMBER', message: 'already a member of this quality' }],
      }));
    }
    if (!importMayReusePerson(facts.actor, known.roles)) {
      return rowError(row, new ClientProblem('PERSON_OUTSIDE_SCOPE', 'this person holds roles outside your scope: register them one at a time, not by import', {
        errors: [{ field: 'niss', code: 'PERSON_OUTSIDE_SCOPE', message: 'holds roles outside your scope' }],
      }));
    }
    return { row, status: 'reused', body, personId: known.personId };
  }
  if (!body.username) {
    return rowError(row, new ClientProblem('VALIDATION_FAILED', 'a new person needs a username', {
      errors: [{ field: 'username', code: 'VALIDATION_FAILED', message: 'required for a new person' }],
    }));
  }
  if (facts.lookup.usernamesTaken.includes(body.username)) {
    return rowError(row, new ClientProblem('USERNAME_TAKEN', 'this username is already used', { errors: [{ field: 'username', code: 'USERNAME_TAKEN', message: 'already used' }] }));
  }
  return { row, status: 'created', body };
}
