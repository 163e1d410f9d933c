/**
 * Stable machine codes of every problem the system answers, with their HTTP status. Codes survive
 * process hops (Moleculer carries `type`), `instanceof` does not: callers test the code.
 */
export const ErrorCodes = {
  VALIDATION_FAILED: 400,
  UNKNOWN_FIELD: 400,
  WRONG_TYPE: 400,
  UNKNOWN_VALUE: 400,
  OUT_OF_RANGE: 400,
  INVALID_FORMAT: 400,
  MALFORMED_BODY: 400,
  INVALID_URL: 400,
  WEBHOOK_URL_REFUSED: 400,
  MALFORMED_REQUEST: 400,
  NISS_INVALID: 400,
  NAME_INVALID: 400,
  ENTERPRISE_NUMBER_INVALID: 400,
  PASSWORD_POLICY: 400,
  USERNAME_POLICY: 400,
  QUALITY_NOT_ELIGIBLE: 400,
  MANDATARY_UNKNOWN: 400,
  NO_VALID_MANDATE: 400,
  CHANNEL_NOT_OWNED: 400,
  APPLICATION_NOT_IN_CATALOGUE: 400,
  APPLICATION_NEEDS_QUALITY: 400,
  /** A SCIM filter outside what /scim/v2 supports (userName, externalId or id `eq`). */
  INVALID_FILTER: 400,
  /** A SCIM PATCH of an attribute it may not change (person-level data, RFC 7644 `mutability`). */
  SCIM_MUTABILITY: 400,
  CURRENT_PASSWORD_WRONG: 400,
  PASSWORD_REUSED: 400,
  CERTIFICATE_MALFORMED: 400,
  CERTIFICATE_EXPIRED: 400,
  CERTIFICATE_NOT_YET_VALID: 400,
  CERTIFICATE_NOT_CLIENT_AUTH: 400,
  VALIDITY_WINDOW_INVALID: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  CERTIFICATE_REQUIRED: 401,
  CERTIFICATE_REJECTED: 401,
  FORBIDDEN: 403,
  ROLE_NOT_CHOSEN: 403,
  RECIPIENT_MANAGERS_ONLY: 403,
  CHANNEL_USED_BY_OTHER_QUALITY: 403,
  PERSON_OUTSIDE_SCOPE: 403,
  REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  ROLE_NOT_CURRENT: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  ENTERPRISE_EXISTS: 409,
  QUALITY_ALREADY_ACTIVE: 409,
  NISS_TAKEN: 409,
  PERSON_MISMATCH: 409,
  ALREADY_MEMBER: 409,
  /** A row of a bulk import repeats the NISS or username of an earlier row (a report code). */
  DUPLICATE_IN_FILE: 409,
  CERTIFICATE_TAKEN: 409,
  CHANNEL_NOT_DELETABLE: 409,
  ROUTING_RULE_NOT_SET: 409,
  WEBHOOK_LIMIT_REACHED: 409,
  BODY_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  ACCOUNT_BLOCKED: 423,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  /** Too many failed logins from the source address (UM_LOGIN_ADDRESS_MAX_FAILURES): says nothing of any account. */
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** zod's own issue codes, as stable field codes (a rule's refinement gives its own code instead). */
export const ZOD_ISSUE_CODES: Record<string, ErrorCode> = {
  invalid_type: 'WRONG_TYPE',
  invalid_value: 'UNKNOWN_VALUE',
  invalid_format: 'INVALID_FORMAT',
  too_big: 'OUT_OF_RANGE',
  too_small: 'OUT_OF_RANGE',
  invalid_union: 'UNKNOWN_VALUE',
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}

const GENERIC_FIELD_CODES = new Set<string>(['VALIDATION_FAILED', ...Object.values(ZOD_ISSUE_CODES)]);

/**
 * A bad input's problem code, from its field errors (the gateway's and the services' alike): the
 * first domain rule broken (NISS_INVALID, PASSWORD_POLICY, …), else the first field's.
 */
export function problemCodeOf(errors: ReadonlyArray<{ code: string }>): ErrorCode {
  const rule = errors.find((e) => !GENERIC_FIELD_CODES.has(e.code) && isErrorCode(e.code));
  const first = errors[0]?.code;
  return (rule?.code as ErrorCode | undefined) ?? (isErrorCode(first) ? first : 'VALIDATION_FAILED');
}

/** One offending field of a bad input. `field` is a dotted path into the body or query. */
export interface FieldError {
  field: string;
  code: ErrorCode | string;
  message: string;
}

/** RFC 9457 problem details as the gateway answers them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}
