/**
 * SCIM 2.0 (RFC 7643/7644) for HR systems: the per-quality tokens that authenticate them, the
 * SCIM User resource as this product reads and writes it, and its mapping to and from the
 * registration body and the user view of /api/v1. The SCIM `id` of a user is the person id: within
 * the path's enterprise and quality it names exactly one membership, and it stays the same if the
 * membership is deleted and the person provisioned again.
 */
import { z } from 'zod';
import { LANGUAGES, SCIM_USER_EXTENSION, type Language } from '@um/domain';
import { ObjectId } from '../fields.js';
import { QualityParams } from './management.js';
import { RegisterUserBody, type UserView } from './users.js';

export const SCIM_CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCIM_EXTENSION_USER = SCIM_USER_EXTENSION;
export const SCIM_LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCIM_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
/** Where a SCIM error keeps the product's stable code, request id and field errors. */
export const SCIM_ERROR_EXTENSION = 'urn:be:socialsecurity:scim:schemas:extension:um:2.0:Error';
export const SCIM_MEDIA_TYPE = 'application/scim+json';
/** The most users one list page returns (`count` above it is lowered to it, RFC 7644 §3.4.2.4). */
export const SCIM_MAX_COUNT = 100;

// ---- tokens (/api/v1/enterprises/{en}/qualities/{type}/scim-tokens) ----------------------------

export const ScimTokenId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-hex-digit id');
export const CreateScimTokenBody = z.strictObject({
  /** What the token is for (the HR system's name), shown in the list. */
  label: z.string().trim().min(1).max(100).optional(),
});
export const CreateScimTokenResult = z.object({
  tokenId: z.string(),
  /** The bearer secret, shown this once: only its hash is stored. */
  token: z.string(),
});
export const ScimTokenView = z.object({
  tokenId: z.string(),
  label: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export const ScimTokenList = z.object({ items: z.array(ScimTokenView) });
export const ScimTokenParams = QualityParams.extend({ tokenId: ScimTokenId });
/** Who a SCIM bearer token is: the token and the one quality it provisions. */
export const ScimTokenIdentity = z.object({ tokenId: z.string(), enterpriseNumber: z.string(), type: z.string() });

// ---- the User resource ---------------------------------------------------------------------

const ScimString = z.string().trim().min(1).max(200);

const ScimEmail = z.object({
  value: z.string().trim().max(254),
  type: z.string().max(20).optional(),
  primary: z.boolean().optional(),
});

/**
 * A SCIM User as an HR system sends it (POST). Attributes this product does not keep (phone
 * numbers, addresses, …) are ignored, as SCIM clients expect; those it keeps are checked by the
 * same rules as the registration of /api/v1 once mapped.
 */
export const ScimUserInput = z.object({
  schemas: z.array(z.string().max(200)).max(10).refine((s) => s.includes(SCIM_CORE_USER), `must include ${SCIM_CORE_USER}`),
  externalId: ScimString.optional(),
  userName: ScimString,
  name: z.object({ givenName: ScimString, familyName: ScimString, formatted: z.string().max(400).optional() }),
  title: z.string().max(200).optional(),
  preferredLanguage: z.string().max(35).optional(),
  emails: z.array(ScimEmail).max(10).optional(),
  active: z.boolean().optional(),
  /** A new person's initial password, if the HR system sets one (else none is usable: see docs/scim.md). */
  password: z.string().max(200).optional(),
  [SCIM_EXTENSION_USER]: z.object({
    niss: z.string().max(20),
    applications: z.array(z.string().max(40)).max(20).optional(),
  }),
});
export type ScimUserInput = z.infer<typeof ScimUserInput>;

/**
 * `preferredLanguage` (RFC 7231 language tag: `nl-BE`, `fr`, …) as one of the product's languages:
 * its primary subtag when served, else English.
 */
export function languageOfTag(tag: string | undefined): Language {
  const primary = tag?.split(/[-_]/)[0]?.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as Language) : 'en';
}

/** What a SCIM create asks, as the registration of /api/v1 takes it, and the `externalId` kept with the membership. */
export function registrationOf(user: ScimUserInput): { body: z.input<typeof RegisterUserBody>; externalId?: string; active: boolean } {
  const emails = user.emails ?? [];
  const work = emails.filter((e) => e.type?.toLowerCase() === 'work');
  const personal = emails.filter((e) => e.type?.toLowerCase() !== 'work');
  const pick = (list: typeof emails) => (list.find((e) => e.primary) ?? list[0])?.value;
  const companyEmail = pick(work);
  const email = pick(personal);
  const extension = user[SCIM_EXTENSION_USER];
  const body: z.input<typeof RegisterUserBody> = {
    niss: extension.niss,
    firstName: user.name.givenName,
    lastName: user.name.familyName,
    ...(user.title ? { title: user.title } : {}),
    language: languageOfTag(user.preferredLanguage),
    ...(email ? { email } : {}),
    // Usernames are lower case in this product; SCIM compares userName case-insensitively.
    username: user.userName.toLowerCase(),
    ...(user.password !== undefined ? { password: user.password } : {}),
    ...(companyEmail ? { companyEmail } : {}),
    applications: extension.applications ?? [],
  };
  return { body, ...(user.externalId ? { externalId: user.externalId } : {}), active: user.active ?? true };
}

/** Field paths of the registration body, as the SCIM attributes they came from (error messages name what the client sent). */
export const SCIM_ATTRIBUTE_OF: Record<string, string> = {
  niss: `${SCIM_EXTENSION_USER}:niss`,
  firstName: 'name.givenName',
  lastName: 'name.familyName',
  title: 'title',
  language: 'preferredLanguage',
  email: 'emails',
  username: 'userName',
  password: 'password',
  companyEmail: 'emails[type eq "work"]',
  applications: `${SCIM_EXTENSION_USER}:applications`,
};

/** A member of the quality as a SCIM User resource; `location` is the resource's own URL. */
export function scimUserOf(user: UserView, location: string) {
  const emails = [
    ...(user.companyEmail ? [{ value: user.companyEmail, type: 'work', primary: true }] : []),
    ...user.emails.map((value, i) => ({ value, type: 'other', ...(user.companyEmail || i > 0 ? {} : { primary: true }) })),
  ];
  return {
    schemas: [SCIM_CORE_USER, SCIM_EXTENSION_USER],
    id: user.personId,
    ...(user.externalId ? { externalId: user.externalId } : {}),
    ...(user.username ? { userName: user.username } : {}),
    name: { givenName: user.firstName, familyName: user.lastName, formatted: `${user.firstName} ${user.lastName}` },
    displayName: `${user.firstName} ${user.lastName}`,
    ...(user.title ? { title: user.title } : {}),
    preferredLanguage: user.language,
    emails,
    active: user.status === 'active',
    [SCIM_EXTENSION_USER]: { ...(user.niss ? { niss: user.niss } : {}), applications: user.applications },
    meta: { resourceType: 'User', location },
  };
}

// ---- user-management's SCIM actions ----------------------------------------------------------

export const ScimListParams = QualityParams.extend({
  filter: z.object({ attribute: z.enum(['userName', 'externalId', 'id']), value: z.string().max(1000) }).optional(),
  startIndex: z.number().int().min(1).max(1_000_000).default(1),
  count: z.number().int().min(0).max(SCIM_MAX_COUNT).default(SCIM_MAX_COUNT),
});
export const ScimPatchChangesSchema = z.strictObject({
  active: z.boolean().optional(),
  externalId: z.string().min(1).max(200).nullable().optional(),
  applications: z.array(z.string().max(40)).max(20).optional(),
  addApplications: z.array(z.string().max(40)).max(20).optional(),
});
export const ScimUserParams = QualityParams.extend({ personId: ObjectId });
export const ScimCreateParams = QualityParams.extend({ body: RegisterUserBody, externalId: z.string().min(1).max(200).optional(), active: z.boolean().default(true) });
