/** Reading and checking login certificates (pure: no servers). Certificates are made by the test with node-forge. */
import { X509Certificate } from 'node:crypto';
import {
  CertificateError,
  ensureUsableForLogin,
  fingerprintOf,
  isClientAuthentication,
  issuedByAnchor,
  nissOf,
  parseCertificate,
  readBundle,
} from '../../src/certificates';
import { createCa, issueCertificate } from '../../../../test/support/certificates';

const DAY = 86_400_000;

/** A Belgian-eID-like ECDSA P-384 certificate (openssl, valid 2026–2126): node-forge alone cannot read it. */
const EC_EID_PEM = `-----BEGIN CERTIFICATE-----
MIICizCCAhCgAwIBAgIUL3rCfuLCTvIl+PJ89n1lP0WWn7YwCgYIKoZIzj0EAwIw
ajELMAkGA1UEBhMCQkUxJTAjBgNVBAMMHEFubiBQZWV0ZXJzIChBdXRoZW50aWNh
dGlvbikxEDAOBgNVBAQMB1BlZXRlcnMxDDAKBgNVBCoMA0FubjEUMBIGA1UEBRML
ODUwNzMwMDMzMjgwIBcNMjYxMTI3MDU1MjU5WhgPMjEyNjExMDMwNTUyNTlaMGox
CzAJBgNVBAYTAkJFMSUwIwYDVQQDDBxBbm4gUGVldGVycyAoQXV0aGVudGljYXRp
b24pMRAwDgYDVQQEDAdQZWV0ZXJzMQwwCgYDVQQqDANBbm4xFDASBgNVBAUTCzg1
MDczMDAzMzI4MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAENaFKjHm9rj+quUSuGLOq
D3KShGvhMeGP1Lc9f5sZjnRYioPSD5hWGw7Yo2hcYhEqxDcY9L4CU8XDZ82cbnsF
JFT6hNQ4wzPiwFtC3x/fYS9/mfWdZiGnEdyrOFlfEmnSo3UwczAdBgNVHQ4EFgQU
ycwulm+IyPEXmBTVYkSSfOGGqxYwHwYDVR0jBBgwFoAUycwulm+IyPEXmBTVYkSS
fOGGqxYwDAYDVR0TAQH/BAIwADATBgNVHSUEDDAKBggrBgEFBQcDAjAOBgNVHQ8B
Af8EBAMCB4AwCgYIKoZIzj0EAwIDaQAwZgIxALk5hKGBDPPND6bqiuh0m/N1MGTO
ivTIzDBFxce+ffKpTDibOC+GLsUwM224GmxVOQIxAMPZVbs2FuvOaapWYnHvAZtv
ZWwEdszERPpe0IWGYrS1vR9ABwNhr/MuOBbcLnkTog==
-----END CERTIFICATE-----
`;

function faultOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (err instanceof CertificateError) return err.code;
    throw err;
  }
}

describe('reading a certificate', () => {
  const cert = issueCertificate({ commonName: 'Ann Peeters' });

  test('when the same certificate is sent as PEM and as DER, then both read the same, with the SHA-256 of the DER', () => {
    const fromPem = parseCertificate(Buffer.from(cert.pem));
    const fromDer = parseCertificate(cert.der);
    expect(fromPem.view).toEqual(fromDer.view);
    expect(fromPem.view.fingerprintSha256).toBe(fingerprintOf(cert.der));
    expect(fromPem.view.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fromPem.view.subject).toBe('C=BE, CN=Ann Peeters');
    expect(fromPem.view.issuer).toBe('C=BE, CN=Ann Peeters');
    expect(fromPem.view.notBefore).toBe(cert.cert.validity.notBefore.toISOString().replace(/\.\d{3}Z$/, '.000Z'));
  });

  test.each([
    ['nothing', Buffer.alloc(0)],
    ['text that is not a certificate', Buffer.from('hello, I am a certificate')],
    ['a PEM armour around garbage', Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')],
    ['a PEM private key', Buffer.from(issueCertificate().keyPem)],
    ['random bytes', Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256))],
  ])('when the body is %s, then CERTIFICATE_MALFORMED', (_label, bytes) => {
    expect(faultOf(() => parseCertificate(bytes))).toBe('CERTIFICATE_MALFORMED');
  });

  test('when DER bytes are followed by more bytes, then CERTIFICATE_MALFORMED', () => {
    expect(faultOf(() => parseCertificate(Buffer.concat([cert.der, Buffer.from([0, 1, 2])])))).toBe('CERTIFICATE_MALFORMED');
  });

  test('when the certificate is ECDSA (current eID cards), then it is read, usable and carries its NISS', () => {
    const parsed = parseCertificate(Buffer.from(EC_EID_PEM));
    expect(parsed.view.subject).toContain('serialNumber=85073003328');
    expect(faultOf(() => ensureUsableForLogin(parsed, new Date('2030-01-01T00:00:00Z')))).toBeUndefined();
    expect(nissOf(parsed)).toBe('85073003328');
  });
});

describe('what a login certificate must be', () => {
  const now = new Date();

  test('when valid now, for client authentication, then it is usable', () => {
    expect(faultOf(() => ensureUsableForLogin(parseCertificate(issueCertificate().der), now))).toBeUndefined();
  });

  test('when expired, then CERTIFICATE_EXPIRED', () => {
    const cert = issueCertificate({ notBefore: new Date(now.getTime() - 30 * DAY), notAfter: new Date(now.getTime() - DAY) });
    expect(faultOf(() => ensureUsableForLogin(parseCertificate(cert.der), now))).toBe('CERTIFICATE_EXPIRED');
  });

  test('when not valid yet, then CERTIFICATE_NOT_YET_VALID', () => {
    const cert = issueCertificate({ notBefore: new Date(now.getTime() + DAY), notAfter: new Date(now.getTime() + 30 * DAY) });
    expect(faultOf(() => ensureUsableForLogin(parseCertificate(cert.der), now))).toBe('CERTIFICATE_NOT_YET_VALID');
  });

  test('when its extended key usage is server authentication only, then CERTIFICATE_NOT_CLIENT_AUTH', () => {
    const cert = parseCertificate(issueCertificate({ usage: 'serverAuth' }).der);
    expect(isClientAuthentication(cert)).toBe(false);
    expect(faultOf(() => ensureUsableForLogin(cert, now))).toBe('CERTIFICATE_NOT_CLIENT_AUTH');
  });

  test('when it has no extended key usage (any use, RFC 5280), then it is usable', () => {
    expect(isClientAuthentication(parseCertificate(issueCertificate({ usage: 'none' }).der))).toBe(true);
  });

  test('when it is a CA certificate, then CERTIFICATE_NOT_CLIENT_AUTH', () => {
    expect(faultOf(() => ensureUsableForLogin(parseCertificate(createCa().der), now))).toBe('CERTIFICATE_NOT_CLIENT_AUTH');
  });
});

describe('eID: chain to a configured CA and the NISS in the subject', () => {
  const ca = createCa('Test Citizen CA');
  const otherCa = createCa('Some Other CA');
  const anchors = readBundle(ca.pem + otherCa.pem);

  test('when a bundle holds two CAs, then both are read', () => {
    expect(anchors.map((a) => a.subject)).toEqual(['C=BE\nCN=Test Citizen CA', 'C=BE\nCN=Some Other CA']);
  });

  test('when issued by the CA, then it chains; self-signed or issued by an unconfigured CA, then not', () => {
    const byCa = parseCertificate(issueCertificate({ issuer: ca, serialNumber: '85073003328' }).der);
    expect(issuedByAnchor(byCa, anchors)).toBe(true);
    expect(issuedByAnchor(parseCertificate(issueCertificate({ serialNumber: '85073003328' }).der), anchors)).toBe(false);
    const stranger = createCa('Stranger CA');
    expect(issuedByAnchor(parseCertificate(issueCertificate({ issuer: stranger }).der), anchors)).toBe(false);
  });

  test('when a certificate claims the CA as issuer but another key signed it, then it does not chain', () => {
    const forged = issueCertificate({ issuer: { ...ca, privateKey: createCa('Forger').privateKey } });
    expect(issuedByAnchor(parseCertificate(forged.der), [new X509Certificate(ca.der)])).toBe(false);
  });

  test.each([
    ['a valid NISS', '85073003328', '85073003328'],
    ['a NISS with a bad check', '85073003329', undefined],
    ['no serialNumber', undefined, undefined],
  ])('when the subject serialNumber is %s, then the NISS is %s', (_label, serialNumber, expected) => {
    expect(nissOf(parseCertificate(issueCertificate({ issuer: ca, serialNumber }).der))).toBe(expected);
  });

  test('when a common name smuggles "serialNumber=…", then only the real attribute counts', () => {
    const cert = parseCertificate(issueCertificate({ issuer: ca, commonName: 'x\nserialNumber=85073003328' }).der);
    expect(nissOf(cert)).toBeUndefined();
  });
});
