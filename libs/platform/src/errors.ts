/**
 * Errors that cross process boundaries. Moleculer carries `type` (our stable code), `code` (the
 * HTTP status) and `data`; the gateway maps them to problem+json in one place.
 */
import { windowProblem, type ValidityWindow } from '@um/domain';
import { Errors } from 'moleculer';
import type { ZodError } from 'zod';
import { ErrorCodes, ZOD_ISSUE_CODES, problemCodeOf, type ErrorCode, type FieldError } from '@um/contracts';

export class ClientProblem extends Errors.MoleculerClientError {
  constructor(code: ErrorCode, message: string, data?: Record<string, unknown>) {
    super(message, ErrorCodes[code], code, data);
    this.name = 'ClientProblem';
  }
}

export class ServerProblem extends Errors.MoleculerServerError {
  constructor(code: ErrorCode, message: string, data?: Record<string, unknown>) {
    super(message, ErrorCodes[code], code, data);
    this.name = 'ServerProblem';
  }
}

export const notFound = (what = 'resource') => new ClientProblem('NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'not allowed for the chosen role') => new ClientProblem('FORBIDDEN', why);
export const conflict = (code: ErrorCode, message: string) => new ClientProblem(code, message);

/** Stable code of a zod issue: the domain code a refinement set, or one derived from zod's own code. */
function issueCode(issue: ZodError['issues'][number]): string {
  const params = (issue as { params?: { code?: unknown } }).params;
  if (params && typeof params.code === 'string') return params.code;
  if (issue.code === 'unrecognized_keys') return 'UNKNOWN_FIELD';
  return ZOD_ISSUE_CODES[issue.code] ?? 'VALIDATION_FAILED';
}

/** Flattens a zod error into one entry per offending field (unknown keys: one entry each). */
export function fieldErrors(error: ZodError, prefix: string[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: [...path, key].join('.'), code: 'UNKNOWN_FIELD', message: `unknown field "${key}"` });
      }
      continue;
    }
    out.push({ field: path.join('.') || '(body)', code: issueCode(issue), message: issue.message });
  }
  return out;
}

/** A 400 problem whose code is the first domain rule broken, else the first field's (as the gateway's). */
export function validationProblem(errors: FieldError[]): ClientProblem {
  return new ClientProblem(problemCodeOf(errors), 'the request is not valid', { errors });
}

/** MongoDB duplicate key (unique index). */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * Time-bound access: a window whose validFrom is not strictly before its validUntil is refused
 * with 400 VALIDITY_WINDOW_INVALID naming the field (`prefix` locates it in the body, e.g. `applications.2`).
 */
export function ensureWindow(window: ValidityWindow, prefix?: string): void {
  const field = windowProblem(window);
  if (!field) return;
  throw new ClientProblem('VALIDITY_WINDOW_INVALID', 'validFrom must come before validUntil', {
    errors: [{ field: prefix ? `${prefix}.${field}` : field, code: 'VALIDITY_WINDOW_INVALID', message: 'must come after validFrom' }],
  });
}
