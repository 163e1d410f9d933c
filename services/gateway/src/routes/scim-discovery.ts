/**
 * SCIM 2.0 discovery (RFC 7644 §4, RFC 7643 §5–7): what /scim/v2/{en}/{type} supports, the User
 * resource type and the schemas of the attributes it keeps. Built from the same constants as the
 * mapping (libs/contracts schemas/scim.ts), so that they describe what the routes do.
 */
import { SCIM_CORE_USER, SCIM_EXTENSION_USER, SCIM_MAX_COUNT } from '@um/contracts';

const SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(base: string) {
  return {
    schemas: [SPC],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'SCIM token',
        description: "A bearer token of this enterprise's quality, created by its access manager or local manager (POST /api/v1/enterprises/{en}/qualities/{type}/scim-tokens)",
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function userResourceType(base: string) {
  return {
    schemas: [RESOURCE_TYPE],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'A user of this quality of the enterprise (one membership of a person, who is known by NISS)',
    schema: SCIM_CORE_USER,
    schemaExtensions: [{ schema: SCIM_EXTENSION_USER, required: true }],
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
  };
}

interface Attribute {
  name: string;
  type: 'string' | 'boolean' | 'complex';
  multiValued?: boolean;
  required?: boolean;
  mutability?: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned?: 'always' | 'never' | 'default';
  uniqueness?: 'none' | 'server';
  caseExact?: boolean;
  description: string;
  subAttributes?: Attribute[];
  canonicalValues?: string[];
}

const attribute = (a: Attribute) => ({
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...a,
});

const USER_ATTRIBUTES: Attribute[] = [
  { name: 'userName', type: 'string', required: true, mutability: 'immutable', uniqueness: 'server', description: 'The username (8–30 lower-case letters and digits), lower-cased on create; person-level data' },
  {
    name: 'name',
    type: 'complex',
    required: true,
    mutability: 'immutable',
    description: "The person's names (for a known NISS they must match the person's, ignoring case and accents)",
    subAttributes: [
      { name: 'givenName', type: 'string', required: true, mutability: 'immutable', description: 'First name' },
      { name: 'familyName', type: 'string', required: true, mutability: 'immutable', description: 'Last name' },
      { name: 'formatted', type: 'string', mutability: 'readOnly', description: 'First and last name' },
    ],
  },
  { name: 'displayName', type: 'string', mutability: 'readOnly', description: 'First and last name' },
  { name: 'title', type: 'string', mutability: 'immutable', description: "The person's title (kept for a new person only)" },
  { name: 'preferredLanguage', type: 'string', mutability: 'immutable', description: 'fr, nl, de or en (the primary subtag of a language tag; anything else is en)' },
  {
    name: 'emails',
    type: 'complex',
    multiValued: true,
    mutability: 'immutable',
    description: 'type work: the company e-mail of this membership; any other type: the personal e-mail of a new person',
    subAttributes: [
      { name: 'value', type: 'string', description: 'The e-mail address' },
      { name: 'type', type: 'string', canonicalValues: ['work', 'home', 'other'], description: 'work, home or other' },
      { name: 'primary', type: 'boolean', description: 'The preferred address of its type' },
    ],
  },
  { name: 'active', type: 'boolean', description: 'false: the membership is blocked (its sessions end, the authorization check denies); true: unblocked' },
  { name: 'password', type: 'string', mutability: 'writeOnly', returned: 'never', description: "A new person's initial password (policy of the product); without it no password is usable until a manager resets it" },
];

const EXTENSION_ATTRIBUTES: Attribute[] = [
  { name: 'niss', type: 'string', required: true, mutability: 'immutable', uniqueness: 'server', caseExact: true, description: 'The Belgian national number (NISS, 11 digits with valid check digits) that identifies the person' },
  { name: 'applications', type: 'string', multiValued: true, caseExact: true, description: "The applications of the quality's catalogue this membership reaches" },
];

export function schemas(base: string) {
  const schema = (id: string, name: string, description: string, attributes: Attribute[]) => ({
    schemas: [SCHEMA],
    id,
    name,
    description,
    attributes: attributes.map((a) => attribute({ ...a, ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attribute) as never } : {}) })),
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${id}` },
  });
  return [
    schema(SCIM_CORE_USER, 'User', 'User Account (the attributes this service keeps)', USER_ATTRIBUTES),
    schema(SCIM_EXTENSION_USER, 'UserManagementUser', 'Belgian social security extension: the NISS and the applications of the membership', EXTENSION_ATTRIBUTES),
  ];
}
