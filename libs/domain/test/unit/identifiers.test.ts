import { enterpriseNumberFromBase, isValidEnterpriseNumber, isValidNiss, nissFrom, parseNiss, syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';

describe('enterprise number (10 digits, first 0 or 1, mod-97 check)', () => {
  test.each([
    ['0403170701', true],
    ['0403170702', false],
    ['2403170701', false],
    ['403170701', false],
    ['04031707011', false],
    ['0403.170.701', false],
    ['040317070a', false],
  ])('when the number is %s, then valid is %s', (value, valid) => {
    expect(isValidEnterpriseNumber(value)).toBe(valid);
  });

  test('when built from a base, then it passes the check', () => {
    for (const base of [0, 1, 12345678, 19999999]) expect(isValidEnterpriseNumber(enterpriseNumberFromBase(base))).toBe(true);
  });
});

describe('NISS (YYMMDD + serial + mod-97 check, 2000+ variant, BIS months)', () => {
  test('when born before 2000, then the plain check applies', () => {
    expect(isValidNiss('85073003328')).toBe(true);
    expect(parseNiss('85073003328')).toEqual({ kind: 'national', century: 1900 });
  });

  test('when born from 2000, then the 2-prefixed check applies', () => {
    const niss = nissFrom('050101', 123, true);
    expect(parseNiss(niss)).toEqual({ kind: 'national', century: 2000 });
  });

  test('when the month carries +20 or +40, then it is a BIS number', () => {
    expect(parseNiss(nissFrom('852730', 3))).toEqual({ kind: 'bis', century: 1900 });
    expect(parseNiss(nissFrom('854730', 3))).toEqual({ kind: 'bis', century: 1900 });
  });

  test.each([
    ['85073003329', 'wrong check'],
    ['8507300332', '10 digits'],
    ['850730033280', '12 digits'],
    ['85133003328', 'month 13'],
    ['8507A003328', 'a letter'],
    ['', 'empty'],
  ])('when the NISS is %s (%s), then it is refused', (value) => {
    expect(isValidNiss(value)).toBe(false);
  });

  test.each([['851330', 1], ['850732', 1], ['856130', 1]])('when the date part %s is impossible, then it is refused even with a matching check', (date, serial) => {
    expect(isValidNiss(nissFrom(date, serial))).toBe(false);
  });
});

describe('synthetic series (tests and seeding)', () => {
  test('when 100 000 NISS are generated, then all are valid and distinct', () => {
    const all = Array.from({ length: 100_000 }, (_, i) => syntheticNiss(i * 7));
    expect(all.every(isValidNiss)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  test('when enterprise numbers are generated, then all are valid and distinct', () => {
    const all = Array.from({ length: 10_000 }, (_, i) => syntheticEnterpriseNumber(i * 1_999));
    expect(all.every(isValidEnterpriseNumber)).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });
});
