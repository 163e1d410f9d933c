/**
 * Field schemas that carry the domain rules, each failing with its own stable code so that the
 * problem names the rule that was broken (`issue.params.code`).
 */
import { z } from 'zod';
import {
  LANGUAGES,
  PERSON_NAME_MAX_LENGTH,
  PERSON_TITLE_MAX_LENGTH,
  QUALITY_TYPES,
  isValidEnterpriseNumber,
  isValidNiss,
  passwordViolations,
  personNameViolations,
  usernameViolations,
} from '@um/domain';

export const EnterpriseNumber = z
  .string()
  .superRefine((value, ctx) => {
    if (!isValidEnterpriseNumber(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'enterprise number must be 10 digits, start with 0 or 1 and pass the mod-97 check',
        params: { code: 'ENTERPRISE_NUMBER_INVALID' },
      });
    }
  })
  .meta({ description: 'BCE/KBO enterprise number, 10 digits', example: '0403170701' });

export const Niss = z
  .string()
  .superRefine((value, ctx) => {
    if (!isValidNiss(value)) {
      ctx.addIssue({
        code: 'custom',
        message: 'NISS must be 11 digits with a valid birth date part and mod-97 check',
        params: { code: 'NISS_INVALID' },
      });
    }
  })
  .meta({ description: 'national or BIS number, 11 digits', example: '85073003328' });

export const Username = z
  .string()
  .superRefine((value, ctx) => {
    const violations = usernameViolations(value);
    if (violations.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `username must be 8 to 30 characters, digits and lower-case letters only (${violations.join(', ')})`,
        params: { code: 'USERNAME_POLICY', violations },
      });
    }
  })
  .meta({ description: '8 to 30 characters: digits and lower-case letters a-z' });

export const Password = z
  .string()
  .superRefine((value, ctx) => {
    const violations = passwordViolations(value);
    if (violations.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `password breaks the policy (${violations.join(', ')})`,
        params: { code: 'PASSWORD_POLICY', violations },
      });
    }
  })
  .meta({
    description:
      "10 to 15 characters, no space, at least 2 digits or specials; specials only from ,;:=?./+*$%><&@#'(!{})-_",
  });

export const Language = z.enum(LANGUAGES);
export const QualityTypeCode = z.enum(QUALITY_TYPES);
/** RFC 5321 §4.5.3.1: a local part of at most 64 octets, a path of at most 256 (an address of 254). */
export const EMAIL_MAX_LENGTH = 254;
export const EMAIL_LOCAL_PART_MAX_LENGTH = 64;
const UTF8 = new TextEncoder();
export const Email = z
  .email()
  .max(EMAIL_MAX_LENGTH)
  .superRefine((value, ctx) => {
    const local = value.slice(0, value.lastIndexOf('@'));
    if (UTF8.encode(local).length > EMAIL_LOCAL_PART_MAX_LENGTH) {
      ctx.addIssue({ code: 'custom', message: `the part before @ must be at most ${EMAIL_LOCAL_PART_MAX_LENGTH} characters`, params: { code: 'INVALID_FORMAT' } });
    }
  })
  .meta({ description: `e-mail address: at most ${EMAIL_MAX_LENGTH} characters, ${EMAIL_LOCAL_PART_MAX_LENGTH} before the @ (RFC 5321)` });
export const Name = z.string().trim().min(1).max(100);

function personText(maxLength: number, what: string) {
  return z
    .string()
    .normalize('NFC')
    .trim()
    .superRefine((value, ctx) => {
      const violations = personNameViolations(value, maxLength);
      if (violations.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `${what} must be 1 to ${maxLength} letters, spaces, apostrophes, hyphens or dots (${violations.join(', ')})`,
          params: { code: 'NAME_INVALID', violations },
        });
      }
    })
    .meta({
      description: `${what}: NFC-normalised and trimmed; 1 to ${maxLength} characters among letters (accents included), the space, ' ’ - and . (at least one letter); no control, invisible or bidirectional characters`,
    });
}

/** A person's first or last name (libs/domain names.ts: the character class). */
export const PersonName = personText(PERSON_NAME_MAX_LENGTH, 'a name');
/** A person's title (Dr., Prof., …): the same class, shorter. */
export const PersonTitle = personText(PERSON_TITLE_MAX_LENGTH, 'a title');
export const ObjectId = z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-hex-digit id');

/** Person bodies everywhere (docs/product.md §5). username/password are needed only for a new person. */
export const PersonInput = z.strictObject({
  niss: Niss,
  firstName: PersonName,
  lastName: PersonName,
  title: PersonTitle.optional(),
  language: Language,
  email: Email.optional(),
  username: Username.optional(),
  password: Password.optional(),
});
export type PersonInput = z.infer<typeof PersonInput>;

/**
 * An instant of a validity window (time-bound access): ISO 8601 with a time zone (`Z` or an
 * offset), e.g. `2027-03-31T17:00:00Z`; answers give it back in UTC with milliseconds.
 */
export const Instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 instant with a time zone, e.g. 2027-03-31T17:00:00Z' });
/** Where a membership, grant or designation stands now (see docs/time-bound-access.md). */
export const Validity = z.enum(['future', 'current', 'expired']);
/** The window a creation body may carry (both optional; validFrom strictly before validUntil). */
export const ValidityWindowInput = { validFrom: Instant.optional(), validUntil: Instant.optional() };
/** The window a PATCH may carry: null clears a bound, absent keeps it. */
export const ValidityWindowPatch = { validFrom: Instant.nullable().optional(), validUntil: Instant.nullable().optional() };
/** The window as answers carry it, with its state at the time of the answer. */
export const ValidityWindowView = { validFrom: z.string().optional(), validUntil: z.string().optional(), validity: Validity };
