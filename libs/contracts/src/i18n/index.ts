/**
 * The message catalogues (one per language) and what reads them: the language of a request, a
 * problem's text by its code, and the labels of a code in every language. Problems are translated
 * by code at the gateway, so a service never formats text for a person.
 */
import { LANGUAGES, type Language } from '@um/domain';
import { isErrorCode, type ErrorCode } from '../errors.js';
import { de } from './de.js';
import { en } from './en.js';
import { fr } from './fr.js';
import type { Messages } from './messages.js';
import { nl } from './nl.js';

export type { Messages } from './messages.js';

export const CATALOGUES: Readonly<Record<Language, Messages>> = { fr, nl, de, en };

/** The language everything falls back to. */
export const FALLBACK_LANGUAGE: Language = 'en';

/**
 * The first language of an Accept-Language header (RFC 9110 §12.5.4) that we serve, by q-value
 * then order; `fr-BE` counts as `fr`, `*` as none in particular. Undefined when none is served.
 */
export function negotiateLanguage(header: string | undefined): Language | undefined {
  if (!header) return undefined;
  const ranges = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    if ((LANGUAGES as readonly string[]).includes(range.primary)) return range.primary as Language;
  }
  return undefined;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A problem's title and message in `language`; a code no catalogue knows reads as VALIDATION_FAILED's. */
export function problemText(language: Language, code: ErrorCode | string): { title: string; message: string } {
  const key: ErrorCode = isErrorCode(code) ? code : 'VALIDATION_FAILED';
  const [title, message] = CATALOGUES[language].problems[key];
  return { title, message };
}

export type Labels = Record<Language, string>;

type LabelSection = Exclude<keyof Messages, 'problems'>;

/** A code's label in every language (the catalogue's `labels`). */
export function labelsOf<S extends LabelSection>(section: S, code: keyof Messages[S]): Labels {
  return Object.fromEntries(LANGUAGES.map((language) => [language, (CATALOGUES[language][section] as Record<string, string>)[code as string]])) as Labels;
}
