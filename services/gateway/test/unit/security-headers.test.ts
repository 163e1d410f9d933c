import helmet from 'helmet';
import { staticHeadersOf } from '../../src/app.js';

describe('staticHeadersOf', () => {
  it('reads the headers helmet sets once, with the configured policy', () => {
    const headers = new Map(staticHeadersOf(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] } } })));
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('content-security-policy')).toContain("img-src 'self' data:");
  });

  it('follows what helmet is told to leave out', () => {
    const headers = new Map(staticHeadersOf(helmet({ contentSecurityPolicy: false, strictTransportSecurity: false })));
    expect(headers.has('content-security-policy')).toBe(false);
    expect(headers.has('strict-transport-security')).toBe(false);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });
});
