/** The console's datetime-local inputs and the API's instants (time-bound access). */
import { fromInput, toInput } from '../../src/validity';

describe('validity inputs', () => {
  test('when an instant is shown in an input and sent back unchanged, then the very same instant is sent (nothing rounded)', () => {
    const instant = '2027-03-01T08:00:59.123Z';
    expect(fromInput(toInput(instant), instant)).toBe(instant);
  });

  test('when a bound is typed, then it is sent as the instant of that local time', () => {
    expect(fromInput('2027-03-31T17:00', undefined)).toBe(new Date(2027, 2, 31, 17, 0).toISOString());
  });

  test('when a bound is emptied, then nothing is sent for it (the screen sends null to clear it)', () => {
    expect(fromInput('', '2027-03-01T08:00:00.000Z')).toBeUndefined();
    expect(toInput(undefined)).toBe('');
  });

  test('when a typed value cannot be read, then it goes as typed, for the API to name the field', () => {
    expect(fromInput('not a date', undefined)).toBe('not a date');
  });
});
