import { IdentityConfig, loadConfig } from '@um/platform';
import { LoginThrottle, addressAllowlist, lockSeconds, normaliseUsername } from '../../src/throttle';

describe('the address allow-list (UM_LOGIN_ADDRESS_ALLOWLIST)', () => {
  const allowed = addressAllowlist(' 10.99.0.0/16 , 192.0.2.7, 2001:db8::/48 ');

  test.each([
    ['10.99.200.1', true],
    ['::ffff:10.99.0.1', true],
    ['10.98.0.1', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['2001:db8:0:1::5', true],
    ['2001:db9::1', false],
    ['not an address', false],
  ])('when the source is %s, then allow-listed is %s', (address, expected) => {
    expect(allowed(address)).toBe(expected);
  });

  test('when the list is empty, then no address is allow-listed', () => {
    expect(addressAllowlist('')('127.0.0.1')).toBe(false);
  });

  test.each(['10.0.0.0/33', 'example.org', '10.0.0.1/8/1', '::1/129', '10.0.0.1/x'])('when an entry is %s, then the configuration is refused with the key named', (entry) => {
    expect(() => loadConfig(IdentityConfig, { UM_LOGIN_ADDRESS_ALLOWLIST: `10.0.0.1,${entry}` })).toThrow(/UM_LOGIN_ADDRESS_ALLOWLIST/);
  });
});

describe('usernames as counted', () => {
  test('when a username differs only in case, surrounding spaces or Unicode form, then it is the same key', () => {
    expect(normaliseUsername(' Alice123 ')).toBe('alice123');
    expect(LoginThrottle.usernameKey('ALICE123')).toBe(LoginThrottle.usernameKey('alice123'));
    expect(LoginThrottle.usernameKey('ａｌｉｃｅ１２３')).toBe(LoginThrottle.usernameKey('alice123'));
    expect(LoginThrottle.usernameKey('alice124')).not.toBe(LoginThrottle.usernameKey('alice123'));
  });

  test('when a key is made, then it holds a hash, not the username typed', () => {
    expect(LoginThrottle.usernameKey('alice123')).toMatch(/^user:[0-9a-f]{64}$/);
  });
});

test('when failures pass the threshold, then the lock doubles from the base up to the cap', () => {
  const policy = { threshold: 5, windowMs: 60_000, baseLockSeconds: 30, maxLockSeconds: 900 };
  expect([4, 5, 6, 7, 9, 10, 1000].map((n) => lockSeconds(n, policy))).toEqual([0, 30, 60, 120, 480, 900, 900]);
});
