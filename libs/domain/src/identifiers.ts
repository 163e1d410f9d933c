/**
 * Belgian identifiers: the enterprise number (BCE/KBO) and the national number (NISS/INSZ),
 * both protected by a mod-97 check.
 */

const ENTERPRISE_NUMBER = /^[01]\d{9}$/;
const NISS = /^\d{11}$/;

/** 10 digits, first 0 or 1, last two = 97 − (first eight mod 97). */
export function isValidEnterpriseNumber(value: string): boolean {
  if (!ENTERPRISE_NUMBER.test(value)) return false;
  const base = Number(value.slice(0, 8));
  const check = Number(value.slice(8));
  return check === 97 - (base % 97);
}

/** Builds a valid enterprise number from its first eight digits (tests, seeding). */
export function enterpriseNumberFromBase(base: number): string {
  const head = String(base).padStart(8, '0');
  if (!/^[01]\d{7}$/.test(head)) throw new RangeError('base must give 8 digits starting with 0 or 1');
  return head + String(97 - (Number(head) % 97)).padStart(2, '0');
}

export type NissKind = 'national' | 'bis';

export interface NissInfo {
  kind: NissKind;
  /** 19xx or 20xx, as told by which check formula matches. */
  century: 1900 | 2000;
}

/**
 * 11 digits: YYMMDD + 3-digit serial + 2-digit check. check = 97 − (first nine mod 97), or for
 * people born from 2000, 97 − ((2 000 000 000 + first nine) mod 97). BIS numbers add 20 or 40 to
 * the month; month 0 and day 0 stand for an unknown birth date.
 */
export function parseNiss(value: string): NissInfo | null {
  if (!NISS.test(value)) return null;
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  const birthMonth = month % 20;
  const kind: NissKind = month >= 20 ? 'bis' : 'national';
  if (month > 52 || birthMonth > 12 || day > 31) return null;
  const firstNine = Number(value.slice(0, 9));
  const check = Number(value.slice(9));
  if (check === 97 - (firstNine % 97)) return { kind, century: 1900 };
  if (check === 97 - ((2_000_000_000 + firstNine) % 97)) return { kind, century: 2000 };
  return null;
}

export function isValidNiss(value: string): boolean {
  return parseNiss(value) !== null;
}

/** Builds a valid NISS from a birth date (YYMMDD) and a serial (tests, seeding). */
export function nissFrom(yymmdd: string, serial: number, bornFrom2000 = false): string {
  if (!/^\d{6}$/.test(yymmdd)) throw new RangeError('yymmdd must be 6 digits');
  const firstNine = yymmdd + String(serial).padStart(3, '0');
  if (firstNine.length !== 9) throw new RangeError('serial must be below 1000');
  const n = Number(firstNine) + (bornFrom2000 ? 2_000_000_000 : 0);
  return firstNine + String(97 - (n % 97)).padStart(2, '0');
}

/** The index-th valid NISS of a synthetic series (tests, seeding): distinct below 16.7 million. */
export function syntheticNiss(index: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const serial = 1 + (index % 997);
  const day = 1 + (Math.floor(index / 997) % 28);
  const month = 1 + (Math.floor(index / (997 * 28)) % 12);
  const year = 50 + (Math.floor(index / (997 * 28 * 12)) % 50);
  return nissFrom(`${pad(year)}${pad(month)}${pad(day)}`, serial);
}

/** The index-th valid enterprise number of a synthetic series (tests, seeding): distinct below 20 million. */
export function syntheticEnterpriseNumber(index: number): string {
  return enterpriseNumberFromBase(index % 20_000_000);
}
