import { nonPublicAddress, webhookRetryDelayMs, webhookUrlProblem } from '../../src/webhooks';

const strict = { allowLoopback: false };
const local = { allowLoopback: true };

describe('webhookUrlProblem', () => {
  test('when the URL is https on a public name or address, then it is accepted', () => {
    for (const url of ['https://hooks.example.com/um', 'https://203.0.113.10:8443/x?y=1', 'https://[2001:db8::1]/hook']) expect(webhookUrlProblem(url, strict)).toBeUndefined();
  });

  test('when the URL is plain http to a public host, then it is refused', () => {
    expect(webhookUrlProblem('http://hooks.example.com/um', strict)).toMatch(/https/);
    expect(webhookUrlProblem('ftp://hooks.example.com/um', strict)).toMatch(/https/);
  });

  test('when the URL targets a private, loopback, link-local or metadata address in any spelling, then it is refused', () => {
    for (const url of [
      'https://10.1.2.3/',
      'https://172.16.0.1/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://2130706433/',
      'https://0x7f.0.0.1/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://127.0.0.1/',
      'https://localhost/',
      'https://printer.local/',
      'https://db.internal/',
    ]) {
      expect({ url, problem: webhookUrlProblem(url, strict) }).toEqual({ url, problem: expect.any(String) });
    }
  });

  test('when loopback receivers are allowed, then http and https to localhost or 127.0.0.1 are accepted, other private addresses still not', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook', local)).toBeUndefined();
    expect(webhookUrlProblem('http://localhost:8080/hook', local)).toBeUndefined();
    expect(webhookUrlProblem('https://[::1]:8443/hook', local)).toBeUndefined();
    expect(webhookUrlProblem('http://10.0.0.1/hook', local)).toMatch(/https/);
    expect(webhookUrlProblem('https://10.0.0.1/hook', local)).toMatch(/private/);
  });

  test('when the URL is unreadable, carries credentials or is too long, then it is refused', () => {
    expect(webhookUrlProblem('not a url', strict)).toMatch(/cannot be read/);
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', strict)).toMatch(/credentials/);
    expect(webhookUrlProblem(`https://hooks.example.com/${'a'.repeat(2_000)}`, strict)).toMatch(/too long/);
  });
});

describe('nonPublicAddress', () => {
  test('when an address is public, then it has no problem; names are not judged', () => {
    for (const a of ['8.8.8.8', '203.0.113.7', '2001:db8::1', '2a00:1450::200e', 'example.com']) expect(nonPublicAddress(a)).toBeUndefined();
  });
  test('when an address is IPv4-mapped, then it is judged as the IPv4 address', () => {
    expect(nonPublicAddress('::ffff:7f00:1')).toBe('loopback');
    expect(nonPublicAddress('::ffff:8.8.8.8')).toBeUndefined();
  });
});

describe('webhookRetryDelayMs', () => {
  test('when attempts fail one after another, then the wait doubles from the base up to the cap', () => {
    const mid = (n: number) => webhookRetryDelayMs(n, 1_000, 60_000, 0.5);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(mid)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
  });
  test('when the spread is applied, then the wait stays within ±20% of the exact one', () => {
    expect(webhookRetryDelayMs(3, 1_000, 60_000, 0)).toBe(3_200);
    expect(webhookRetryDelayMs(3, 1_000, 60_000, 0.999_999)).toBe(4_800);
  });
});
