/**
 * The shape of a message catalogue: every problem code's title and message, and the labels of the
 * catalogue's codes (qualities, applications, declaration types, role kinds, quality data fields).
 * Each language's catalogue `satisfies` it, so a missing key fails the build; the unit test checks
 * the same at run time and that no French, Dutch or German text is left in English.
 */
import type { Application, DeclarationType, Language, QualityDataField, QualityType, RoleKind } from '@um/domain';
import type { ErrorCode } from '../errors.js';

export interface Messages {
  /** Per problem code: the problem's title, and the sentence used as its detail and as a field's message. */
  problems: Record<ErrorCode, readonly [title: string, message: string]>;
  qualities: Record<QualityType, string>;
  applications: Record<Application, string>;
  declarationTypes: Record<DeclarationType, string>;
  roleKinds: Record<RoleKind, string>;
  qualityFields: Record<QualityDataField, string>;
  languages: Record<Language, string>;
}
