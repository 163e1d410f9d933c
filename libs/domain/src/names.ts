/**
 * Person names and titles: printable text as people write it. After Unicode NFC normalisation and
 * trimming, a name is made only of letters of any script (with their accents, also as combining
 * marks), the space U+0020, apostrophes (' and ’), hyphens and dots, and holds at least one
 * letter. So no control character, NUL, tab or newline, no other space, no digit or symbol, and no
 * bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069), which could make a name read
 * differently from what it is.
 */

export const PERSON_NAME_MAX_LENGTH = 100;
export const PERSON_TITLE_MAX_LENGTH = 50;

const ALLOWED = /^[\p{L}\p{M} '’.-]*$/u;
const LETTER = /\p{L}/u;

export type PersonNameViolation = 'NAME_EMPTY' | 'NAME_TOO_LONG' | 'NAME_CHARACTER_NOT_ALLOWED' | 'NAME_WITHOUT_LETTER';

/** The stored form of a name: NFC, trimmed. */
export function normalisePersonName(raw: string): string {
  return raw.normalize('NFC').trim();
}

/** Every rule a (normalised) name breaks; empty when acceptable. */
export function personNameViolations(name: string, maxLength = PERSON_NAME_MAX_LENGTH): PersonNameViolation[] {
  const violations: PersonNameViolation[] = [];
  const length = Array.from(name).length;
  if (length === 0) return ['NAME_EMPTY'];
  if (length > maxLength) violations.push('NAME_TOO_LONG');
  if (!ALLOWED.test(name)) violations.push('NAME_CHARACTER_NOT_ALLOWED');
  else if (!LETTER.test(name)) violations.push('NAME_WITHOUT_LETTER');
  return violations;
}
