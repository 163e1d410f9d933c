/**
 * Bulk import of the users of a quality (docs/import.md): a file's rows, the job that applies them,
 * and its per-row report.
 */
import { z } from 'zod';
import { IMPORT_CHUNK_ROWS, IMPORT_MAX_ROWS } from '@um/domain';
import { EnterpriseNumber, Niss, ObjectId, PersonInput, QualityTypeCode } from '../fields.js';
import { GrantRoleParams, GrantRoleResult, RegisterPersonResult } from '../schemas.js';
import { PersonSummary } from './management.js';
import { ApplicationCode, RegisterUserBody } from './users.js';

/**
 * One row as the file gave it (CSV cells already split into fields; a JSON line as sent): checked
 * by the owning service against the single registration's rules. `malformed`: the line could not
 * be read as a row at all (not JSON, wrong number of cells).
 */
export const ImportInputRow = z.strictObject({
  row: z.number().int().min(1).max(IMPORT_MAX_ROWS),
  values: z.record(z.string(), z.unknown()),
  malformed: z.string().max(200).optional(),
});
export type ImportInputRow = z.infer<typeof ImportInputRow>;

/** A row, once read: the single registration's body without a password (files carry none). */
/** A row: the single registration's body without password nor validity windows (plain application codes). */
export const ImportRow = RegisterUserBody.omit({ password: true, validFrom: true, validUntil: true }).extend({ applications: z.array(ApplicationCode).max(20).default([]) });
export type ImportRow = z.infer<typeof ImportRow>;

export const IMPORT_ROW_STATUSES = ['created', 'reused', 'unchanged', 'error'] as const;
export type ImportRowStatus = (typeof IMPORT_ROW_STATUSES)[number];

export const ImportReportItem = z.object({
  row: z.number(),
  status: z.enum(IMPORT_ROW_STATUSES),
  personId: z.string().optional(),
  code: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
});
export type ImportReportItem = z.infer<typeof ImportReportItem>;

export const IMPORT_JOB_STATUSES = ['receiving', 'running', 'finished', 'abandoned'] as const;

export const ImportCounts = z.object({
  total: z.number(),
  done: z.number(),
  created: z.number(),
  reused: z.number(),
  unchanged: z.number(),
  error: z.number(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const IMPORT_REPORT_MAX_PAGE_SIZE = 1_000;

export const ImportJobView = z.object({
  importId: z.string(),
  enterpriseNumber: z.string(),
  quality: QualityTypeCode,
  dryRun: z.boolean(),
  status: z.enum(IMPORT_JOB_STATUSES),
  counts: ImportCounts,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  /** When finished: one page of the per-row report, in row order. */
  report: z.object({ items: z.array(ImportReportItem), page: z.number(), pageSize: z.number(), total: z.number() }).optional(),
});
export type ImportJobView = z.infer<typeof ImportJobView>;

export const ImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const ImportReportQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(IMPORT_REPORT_MAX_PAGE_SIZE).default(IMPORT_CHUNK_ROWS),
});

const Scope = { enterpriseNumber: EnterpriseNumber, type: QualityTypeCode };
export const ImportCreateParams = z.strictObject({ ...Scope, dryRun: z.boolean(), total: z.number().int().min(1).max(IMPORT_MAX_ROWS) });
export const ImportAppendParams = z.strictObject({
  ...Scope,
  importId: ObjectId,
  chunk: z.number().int().min(0).max(IMPORT_MAX_ROWS / IMPORT_CHUNK_ROWS),
  rows: z.array(ImportInputRow).min(1).max(IMPORT_CHUNK_ROWS),
});
export const ImportIdParams = z.strictObject({ ...Scope, importId: ObjectId });
export const ImportGetParams = ImportIdParams.extend({ query: ImportReportQuery });

/** identity's look-up of a chunk's NISS and usernames (one query each). */
export const ImportLookupParams = z.strictObject({ nisses: z.array(Niss).max(IMPORT_CHUNK_ROWS), usernames: z.array(z.string().max(64)).max(IMPORT_CHUNK_ROWS) });
export const ImportLookupResult = z.object({
  persons: z.array(
    z.object({
      personId: z.string(),
      niss: z.string(),
      firstName: z.string(),
      lastName: z.string(),
      roles: z.array(z.object({ roleId: z.string(), kind: z.string(), enterpriseNumber: z.string().optional(), quality: z.string().optional() })),
    }),
  ),
  usernamesTaken: z.array(z.string()),
});
export type ImportLookupResult = z.infer<typeof ImportLookupResult>;

/** A refusal of one item of a bulk call, as the single call would have thrown it. */
export const ItemProblem = z.object({ problem: z.object({ code: z.string(), message: z.string(), errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional() }) });
export type ItemProblem = z.infer<typeof ItemProblem>;

/** identity's registration of a chunk's persons: each item as `identity.registerPerson` would answer it. */
export const RegisterPersonsParams = z.strictObject({ persons: z.array(PersonInput).min(1).max(IMPORT_CHUNK_ROWS), withoutPassword: z.boolean().optional() });
/** Each person found or created, with their summary when identity has it at hand (the caller need not read it again). */
export const RegisterPersonsResult = z.array(z.union([RegisterPersonResult.extend({ person: PersonSummary.optional() }), ItemProblem]));
export const GrantRolesParams = z.strictObject({ grants: z.array(GrantRoleParams).min(1).max(IMPORT_CHUNK_ROWS) });
export const GrantRolesResult = z.array(z.union([GrantRoleResult, ItemProblem]));
