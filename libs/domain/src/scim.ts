/**
 * The SCIM 2.0 rules the product follows (RFC 7643/7644), written once: which filters a Users list
 * accepts and what a PATCH request may change. Both answer a result rather than throw, so that the
 * caller chooses the error (the gateway answers a SCIM error object with its `scimType`).
 */

/** The product's extension of the User schema (NISS, applications). */
export const SCIM_USER_EXTENSION = 'urn:be:socialsecurity:scim:schemas:extension:um:2.0:User';
const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:User:/i;

/** The attributes a Users filter may test, by their SCIM names (matched case-insensitively, RFC 7644 §3.4.2.2). */
export const SCIM_FILTER_ATTRIBUTES = ['userName', 'externalId', 'id'] as const;
export type ScimFilterAttribute = (typeof SCIM_FILTER_ATTRIBUTES)[number];

export interface ScimFilter {
  attribute: ScimFilterAttribute;
  value: string;
}

/** The `scimType` values of RFC 7644 §3.12 that these rules answer. */
export type ScimType = 'invalidFilter' | 'invalidPath' | 'invalidValue' | 'mutability' | 'invalidSyntax' | 'noTarget';

export type ScimResult<T> = { ok: true; value: T } | { ok: false; scimType: ScimType; detail: string };

const fail = <T>(scimType: Extract<ScimResult<T>, { ok: false }>['scimType'], detail: string): ScimResult<T> => ({ ok: false, scimType, detail });

/** `attribute eq "value"`: the one comparison an HR system needs to find a user before creating it. */
const EQ_FILTER = /^\s*([A-Za-z][A-Za-z0-9:._-]*)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i;

/**
 * Parses a Users filter. Supported: `userName eq "…"`, `externalId eq "…"` and `id eq "…"` (the
 * value a JSON string, escapes included); an attribute may carry the core schema's URN prefix.
 * Anything else (other operators, `and`/`or`, other attributes) is `invalidFilter`, never a
 * silently broader answer.
 */
export function parseScimFilter(filter: string): ScimResult<ScimFilter> {
  if (filter.length > 1000) return fail('invalidFilter', 'the filter is longer than 1000 characters');
  const match = EQ_FILTER.exec(filter);
  if (!match) return fail('invalidFilter', 'only `userName eq "…"`, `externalId eq "…"` or `id eq "…"` is supported');
  const name = match[1]!.replace(CORE_PREFIX, '').toLowerCase();
  const attribute = SCIM_FILTER_ATTRIBUTES.find((a) => a.toLowerCase() === name);
  if (!attribute) return fail('invalidFilter', `the attribute "${match[1]}" cannot be filtered on (userName, externalId, id)`);
  let value: unknown;
  try {
    value = JSON.parse(match[2]!);
  } catch {
    return fail('invalidFilter', 'the compared value is not a valid JSON string');
  }
  return { ok: true, value: { attribute, value: value as string } };
}

/** What a PATCH changes on a membership: its status (`active`) and the HR system's `externalId`. */
export interface ScimPatchChanges {
  active?: boolean;
  /** null: removed. */
  externalId?: string | null;
  /** The extension's `applications`, replaced whole (membership data; the catalogue is checked by the service). */
  applications?: string[];
  /** Applications an `add` operation appends to what the membership holds. */
  addApplications?: string[];
}

export interface ScimPatchOperation {
  op?: unknown;
  path?: unknown;
  value?: unknown;
}

/** `true`/`false`, or the strings "True"/"False" that some HR connectors send. */
function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return undefined;
}

const EXTERNAL_ID_MAX = 200;

function apply(changes: ScimPatchChanges, op: 'add' | 'replace' | 'remove', attribute: string, value: unknown): ScimResult<ScimPatchChanges> {
  const name = attribute.replace(CORE_PREFIX, '').toLowerCase();
  const extension = SCIM_USER_EXTENSION.toLowerCase();
  if (name === extension && op !== 'remove' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    let changed: ScimResult<ScimPatchChanges> = { ok: true, value: changes };
    for (const [key, inner] of Object.entries(value)) {
      changed = apply(changed.value, op, `${SCIM_USER_EXTENSION}:${key}`, inner);
      if (!changed.ok) return changed;
    }
    return changed;
  }
  if (name === `${extension}:applications`) {
    if (op === 'remove') return { ok: true, value: { ...changes, applications: [], addApplications: [] } };
    if (!Array.isArray(value) || value.length > 20 || !value.every((a) => typeof a === 'string' && a.length <= 40)) return fail('invalidValue', '"applications" must be a list of at most 20 application codes');
    const list = value as string[];
    return { ok: true, value: op === 'add' ? { ...changes, addApplications: [...(changes.addApplications ?? []), ...list] } : { ...changes, applications: list, addApplications: [] } };
  }
  if (name === 'active') {
    if (op === 'remove') return fail('mutability', '"active" cannot be removed: replace it with true or false');
    const active = booleanOf(value);
    if (active === undefined) return fail('invalidValue', '"active" must be true or false');
    return { ok: true, value: { ...changes, active } };
  }
  if (name === 'externalid') {
    if (op === 'remove') return { ok: true, value: { ...changes, externalId: null } };
    if (typeof value !== 'string' || value.length === 0 || value.length > EXTERNAL_ID_MAX) return fail('invalidValue', `"externalId" must be a string of 1 to ${EXTERNAL_ID_MAX} characters`);
    return { ok: true, value: { ...changes, externalId: value } };
  }
  return fail('mutability', `"${attribute}" cannot be changed over SCIM PATCH (only active, externalId and the extension's applications; person data belongs to the person)`);
}

/**
 * Reads the operations of a PatchOp message (RFC 7644 §3.5.2) into the changes they make. Accepted:
 * `add`/`replace` of `active` or `externalId` by path, or without a path with an object value
 * (`{"op":"replace","value":{"active":false}}`), and `remove` of `externalId`; op names in any case.
 */
export function readScimPatch(operations: readonly ScimPatchOperation[]): ScimResult<ScimPatchChanges> {
  if (operations.length === 0) return fail('invalidValue', 'Operations must hold at least one operation');
  let changes: ScimPatchChanges = {};
  for (const operation of operations) {
    const op = typeof operation.op === 'string' ? operation.op.toLowerCase() : '';
    if (op !== 'add' && op !== 'replace' && op !== 'remove') return fail('invalidSyntax', 'each operation\'s "op" is add, replace or remove');
    if (operation.path !== undefined && typeof operation.path !== 'string') return fail('invalidPath', '"path" must be a string');
    const path = operation.path as string | undefined;
    if (path !== undefined) {
      const result = apply(changes, op, path, operation.value);
      if (!result.ok) return result;
      changes = result.value;
      continue;
    }
    if (op === 'remove') return fail('noTarget', 'a remove operation needs a path');
    if (typeof operation.value !== 'object' || operation.value === null || Array.isArray(operation.value)) {
      return fail('invalidValue', 'an operation without a path needs an object value');
    }
    for (const [attribute, value] of Object.entries(operation.value)) {
      const result = apply(changes, op, attribute, value);
      if (!result.ok) return result;
      changes = result.value;
    }
  }
  return { ok: true, value: changes };
}
