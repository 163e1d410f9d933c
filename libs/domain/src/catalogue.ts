/** The binding codes of docs/product.md §5: quality types, their applications, declaration types. */

export const LANGUAGES = ['fr', 'nl', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const QUALITY_TYPES = [
  'employer',
  'mandatary',
  'full-service-secretariat',
  'hospital-care-provider',
  'service-provider',
  'telecom-operator',
  'approved-social-secretariat',
  'curator',
] as const;
export type QualityType = (typeof QUALITY_TYPES)[number];

/**
 * An enterprise's quality named by one string: the quality service's key for it (its records'
 * `_id`, its cached states) and that of whoever follows its changes (`cache.dropped`).
 */
export function qualityKey(enterpriseNumber: string, type: string): string {
  return `${enterpriseNumber}:${type}`;
}

/** Every application code: User Management itself, then the secure applications of the qualities. */
export const APPLICATIONS = ['user-management', 'dimona', 'dmfa', 'drs', 'ebox', 'mahis', 'mycarenet', 'telecom-requisitions'] as const;
export type Application = (typeof APPLICATIONS)[number];

/** Secure applications each quality type opens. */
export const APPLICATIONS_BY_QUALITY: Readonly<Record<QualityType, readonly string[]>> = {
  employer: ['dimona', 'dmfa', 'drs', 'ebox'],
  mandatary: ['dimona', 'dmfa', 'drs', 'mahis'],
  'full-service-secretariat': ['dimona', 'dmfa', 'drs'],
  'approved-social-secretariat': ['dimona', 'dmfa', 'drs'],
  'service-provider': ['dimona', 'dmfa'],
  'hospital-care-provider': ['mycarenet'],
  'telecom-operator': ['telecom-requisitions'],
  curator: ['dmfa', 'drs'],
} satisfies Record<QualityType, readonly Exclude<Application, 'user-management'>[]>;

/**
 * Quality data that identifies the quality in a public registry (PRODUCT.md §7.1): set at
 * activation, changed afterwards by the contact centre only.
 */
export const REGISTRY_IDENTIFIERS = ['employerRegistrationNumber', 'inamiNumber'] as const;
export type RegistryIdentifier = (typeof REGISTRY_IDENTIFIERS)[number];

/** The access-management application itself (what RAE/co-RAE may open). */
export const USER_MANAGEMENT_APPLICATION = 'user-management' satisfies Application;

/** The type-specific data fields of a quality (every type accepts contactEmail). */
export const QUALITY_DATA_FIELDS: Readonly<Record<QualityType, ReadonlyArray<{ name: QualityDataField; required: boolean }>>> = {
  employer: [{ name: 'contactEmail', required: false }, { name: 'employerRegistrationNumber', required: true }],
  mandatary: [{ name: 'contactEmail', required: false }],
  'full-service-secretariat': [{ name: 'contactEmail', required: false }],
  'hospital-care-provider': [{ name: 'contactEmail', required: false }, { name: 'inamiNumber', required: true }],
  'service-provider': [{ name: 'contactEmail', required: false }],
  'telecom-operator': [{ name: 'contactEmail', required: false }],
  'approved-social-secretariat': [{ name: 'contactEmail', required: false }],
  curator: [{ name: 'contactEmail', required: false }],
};
export const QUALITY_DATA_FIELD_NAMES = ['contactEmail', 'employerRegistrationNumber', 'inamiNumber'] as const;
export type QualityDataField = (typeof QUALITY_DATA_FIELD_NAMES)[number];

export const DECLARATION_TYPES = [
  'drs-unemployment',
  'drs-sickness-invalidity',
  'drs-work-accident',
  'drs-occupational-disease',
] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

export const BATCH_CHANNEL_TYPES = ['ftp', 'mqlink', 'isabel'] as const;
export type BatchChannelType = (typeof BATCH_CHANNEL_TYPES)[number];
