import { applicationsCurrentAt, believedUntil, isCurrentAt, mergeWindow, nextBoundaryAfter, passedBoundaries, validityAt, windowProblem } from '@um/domain';

const from = Date.parse('2027-03-01T08:00:00.000Z');
const until = Date.parse('2027-03-31T17:00:00.000Z');
const window = { validFrom: '2027-03-01T08:00:00.000Z', validUntil: new Date(until) };

describe('validity windows', () => {
  test('when now is 1 ms before validUntil, then the window is current; at validUntil and after, expired', () => {
    expect(validityAt(window, until - 1)).toBe('current');
    expect(isCurrentAt(window, until - 1)).toBe(true);
    expect(validityAt(window, until)).toBe('expired');
    expect(isCurrentAt(window, until)).toBe(false);
    expect(validityAt(window, until + 1)).toBe('expired');
  });

  test('when now is exactly validFrom, then the window is current; 1 ms before, future', () => {
    expect(validityAt(window, from)).toBe('current');
    expect(validityAt(window, from - 1)).toBe('future');
  });

  test('when a bound is absent or null, then that side is open', () => {
    expect(validityAt({}, 0)).toBe('current');
    expect(validityAt(undefined, 0)).toBe('current');
    expect(validityAt({ validFrom: null, validUntil: until }, Number.MIN_SAFE_INTEGER)).toBe('current');
    expect(validityAt({ validFrom: from }, Number.MAX_SAFE_INTEGER)).toBe('current');
  });

  test('when validFrom is not strictly before validUntil, then validUntil is the offending field', () => {
    expect(windowProblem(window)).toBeUndefined();
    expect(windowProblem({ validFrom: until, validUntil: until })).toBe('validUntil');
    expect(windowProblem({ validFrom: until + 1, validUntil: until })).toBe('validUntil');
    expect(windowProblem({ validUntil: until })).toBeUndefined();
  });

  test('when a change sets, clears (null) or keeps (absent) a bound, then the merged window says so', () => {
    expect(mergeWindow(window, {})).toEqual(window);
    expect(mergeWindow(window, { validUntil: null })).toEqual({ validFrom: window.validFrom });
    expect(mergeWindow({}, { validFrom: from })).toEqual({ validFrom: from });
  });

  test('when a role ends before the session, then the session is believed until the role ends', () => {
    expect(believedUntil(until + 5, window)).toBe(until);
    expect(believedUntil(until - 5, window)).toBe(until - 5);
    expect(believedUntil(42, {})).toBe(42);
  });
});

describe('application grants with a window', () => {
  test('when a grant’s window ends, then from validUntil on only the open-ended grants remain', () => {
    const windows = [{ code: 'dimona', validUntil: until }];
    expect(applicationsCurrentAt(['dimona', 'dmfa'], windows, until - 1)).toEqual(['dimona', 'dmfa']);
    expect(applicationsCurrentAt(['dimona', 'dmfa'], windows, until)).toEqual(['dmfa']);
  });

  test('when a grant’s window starts at validFrom, then it holds from that very instant', () => {
    const windows = [{ code: 'drs', validFrom: new Date(from) }];
    expect(applicationsCurrentAt(['drs'], windows, from - 1)).toEqual([]);
    expect(applicationsCurrentAt(['drs'], windows, from)).toEqual(['drs']);
  });
});

describe('boundaries reached', () => {
  test('when now is 1 ms before validUntil, then only validFrom is reached; at validUntil both are', () => {
    expect(passedBoundaries(window, until - 1).map((b) => b.change)).toEqual(['started']);
    expect(passedBoundaries(window, until)).toEqual([
      { key: 'from:2027-03-01T08:00:00.000Z', change: 'started', at: '2027-03-01T08:00:00.000Z' },
      { key: 'until:2027-03-31T17:00:00.000Z', change: 'expired', at: '2027-03-31T17:00:00.000Z' },
    ]);
  });

  test('when validFrom is exactly now, then it is reached; a grant’s keys carry its prefix', () => {
    expect(passedBoundaries({ validFrom: from }, from - 1)).toEqual([]);
    expect(passedBoundaries({ validFrom: from }, from, 'app:dimona:')[0]?.key).toBe('app:dimona:from:2027-03-01T08:00:00.000Z');
  });

  test('when windows have bounds ahead, then the next boundary is the earliest of them after now, a bound at now itself excluded', () => {
    const later = { validFrom: new Date(until + 1_000) };
    expect(nextBoundaryAfter([window, later, undefined, {}], from - 5)).toBe(from);
    expect(nextBoundaryAfter([window, later], from)).toBe(until);
    expect(nextBoundaryAfter([window, later], until)).toBe(until + 1_000);
    expect(nextBoundaryAfter([window, later], until + 1_000)).toBeUndefined();
    expect(nextBoundaryAfter([], from)).toBeUndefined();
  });
});
