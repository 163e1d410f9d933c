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
};

/**
 * Quality data that identifies the quality in a public registry (PRODUCT.md §7.1): set at
 * activation, changed afterwards by the contact centre only.
 */
export const REGISTRY_IDENTIFIERS = ['employerRegistrationNumber', 'inamiNumber'] as const;
export type RegistryIdentifier = (typeof REGISTRY_IDENTIFIERS)[number];

/** The access-management application itself (what RAE/co-RAE may open). */
export const USER_MANAGEMENT_APPLICATION = 'user-management';

export const DECLARATION_TYPES = [
  'drs-unemployment',
  'drs-sickness-invalidity',
  'drs-work-accident',
  'drs-occupational-disease',
] as const;
export type DeclarationType = (typeof DECLARATION_TYPES)[number];

export const BATCH_CHANNEL_TYPES = ['ftp', 'mqlink', 'isabel'] as const;
export type BatchChannelType = (typeof BATCH_CHANNEL_TYPES)[number];
