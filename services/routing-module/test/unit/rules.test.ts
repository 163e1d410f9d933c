import { isoToday, mandateCovers, ruleState, type RuleFacts } from '../../src/rules';

const mandate = (validFrom: string, validTo?: string, declarationTypes = ['drs-unemployment']) => ({ declarationTypes: declarationTypes as never, validFrom, ...(validTo ? { validTo } : {}) });

describe('mandateCovers', () => {
  test('when today lies within the period and the type is named, then it covers (both ends included)', () => {
    expect(mandateCovers(mandate('2026-01-01', '2026-12-31'), 'drs-unemployment', '2026-01-01')).toBe(true);
    expect(mandateCovers(mandate('2026-01-01', '2026-12-31'), 'drs-unemployment', '2026-12-31')).toBe(true);
    expect(mandateCovers(mandate('2026-01-01'), 'drs-unemployment', '2090-06-01')).toBe(true);
  });

  test('when the mandate has not started, has ended or does not name the type, then it does not cover', () => {
    expect(mandateCovers(mandate('2026-01-02'), 'drs-unemployment', '2026-01-01')).toBe(false);
    expect(mandateCovers(mandate('2020-01-01', '2025-12-31'), 'drs-unemployment', '2026-01-01')).toBe(false);
    expect(mandateCovers(mandate('2020-01-01'), 'drs-work-accident', '2026-01-01')).toBe(false);
  });
});

describe('ruleState', () => {
  const base: RuleFacts = { enterpriseNumber: 'E', recipient: 'E', channel: 'ebox', declarationType: 'drs-unemployment', mandates: [], channelActive: false, today: '2026-06-01' };

  test('when the enterprise is its own recipient on its eBox, then the rule is active without any mandate', () => {
    expect(ruleState(base)).toBe('active');
  });

  test('when the recipient is a mandatary whose mandate no longer covers the type, then mandate-ended', () => {
    expect(ruleState({ ...base, recipient: 'M', mandates: [mandate('2020-01-01', '2026-05-31')] })).toBe('mandate-ended');
    expect(ruleState({ ...base, recipient: 'M', mandates: [mandate('2020-01-01', '2026-05-31'), mandate('2026-06-01')] })).toBe('active');
  });

  test('when the chosen channel is no longer registered, then channel-deleted wins over everything else', () => {
    expect(ruleState({ ...base, channel: 'c1', channelActive: false })).toBe('channel-deleted');
    expect(ruleState({ ...base, recipient: 'M', channel: 'c1', channelActive: false })).toBe('channel-deleted');
    expect(ruleState({ ...base, channel: 'c1', channelActive: true })).toBe('active');
  });

  test('when asked for today, then it is the UTC calendar date', () => {
    expect(isoToday(new Date('2026-03-04T23:59:59Z'))).toBe('2026-03-04');
  });
});
