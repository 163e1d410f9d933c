/**
 * Client certificates: reading PEM or DER, the checks a login certificate must pass, its
 * SHA-256 fingerprint, the NISS an eID certificate carries, and its chain to a configured CA.
 *
 * node-forge reads the PEM armour and the ASN.1 fields (subject attributes, key usage); the
 * signature and the X.509 structure are checked by Node's own X509Certificate (OpenSSL), because
 * node-forge reads RSA keys only and current Belgian eID cards carry ECDSA (P-384) certificates.
 */
import { X509Certificate, createHash } from 'node:crypto';
import fs from 'node:fs';
import forge from 'node-forge';
import { isValidNiss } from '@um/domain';
import type { CertificateView } from '@um/contracts';

export type CertificateFault = 'CERTIFICATE_MALFORMED' | 'CERTIFICATE_EXPIRED' | 'CERTIFICATE_NOT_YET_VALID' | 'CERTIFICATE_NOT_CLIENT_AUTH';

export class CertificateError extends Error {
  override name = 'CertificateError';
  constructor(
    readonly code: CertificateFault,
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  view: CertificateView;
}

const OID = {
  serialNumber: '2.5.4.5',
  keyUsage: '2.5.29.15',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';

/** The DER bytes of the first certificate of a PEM text, or the bytes themselves when they are DER. */
function toDer(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  if (!text.includes(PEM_BEGIN)) return bytes;
  let blocks: forge.pem.ObjectPEM[];
  try {
    blocks = forge.pem.decode(text);
  } catch {
    throw new CertificateError('CERTIFICATE_MALFORMED', 'the PEM text cannot be read');
  }
  const first = blocks.find((b) => b.type === 'CERTIFICATE');
  if (!first) throw new CertificateError('CERTIFICATE_MALFORMED', 'the PEM text holds no certificate');
  return Buffer.from(first.body, 'binary');
}

/** Reads a certificate in PEM or DER; anything else (or trailing bytes after the DER) is malformed. */
export function parseCertificate(bytes: Buffer): ParsedCertificate {
  if (bytes.length === 0) throw new CertificateError('CERTIFICATE_MALFORMED', 'no certificate was sent');
  const der = toDer(bytes);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new CertificateError('CERTIFICATE_MALFORMED', 'this is not an X.509 certificate in PEM or DER');
  }
  if (!x509.raw.equals(der)) throw new CertificateError('CERTIFICATE_MALFORMED', 'unexpected bytes after the certificate');
  return {
    der,
    x509,
    view: {
      fingerprintSha256: fingerprintOf(der),
      subject: x509.subject.split('\n').join(', '),
      issuer: x509.issuer.split('\n').join(', '),
      notBefore: x509.validFromDate.toISOString(),
      notAfter: x509.validToDate.toISOString(),
    },
  };
}

/** SHA-256 of the DER encoding, 64 lower-case hex digits. */
export function fingerprintOf(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Throws the first reason why the certificate cannot serve to log in at `now`. */
export function ensureUsableForLogin(cert: ParsedCertificate, now = new Date()): void {
  if (now.getTime() < cert.x509.validFromDate.getTime()) {
    throw new CertificateError('CERTIFICATE_NOT_YET_VALID', `the certificate is valid only from ${cert.view.notBefore}`);
  }
  if (now.getTime() > cert.x509.validToDate.getTime()) {
    throw new CertificateError('CERTIFICATE_EXPIRED', `the certificate expired on ${cert.view.notAfter}`);
  }
  if (!isClientAuthentication(cert)) {
    throw new CertificateError('CERTIFICATE_NOT_CLIENT_AUTH', 'the certificate is not meant for client authentication');
  }
}

/**
 * A client-authentication certificate: not a CA; if it restricts its extended key usage, that
 * includes clientAuth (no extension means any use, RFC 5280 §4.2.1.12); if it restricts its key
 * usage, that includes digitalSignature (what the TLS handshake needs).
 */
export function isClientAuthentication(cert: ParsedCertificate): boolean {
  if (cert.x509.ca) return false;
  const eku = cert.x509.keyUsage as string[] | undefined;
  if (eku && !eku.includes(OID.clientAuth) && !eku.includes(OID.anyExtendedKeyUsage)) return false;
  const keyUsage = extensionValue(cert.der, OID.keyUsage);
  if (keyUsage !== undefined) {
    // BIT STRING: first byte = unused bits, then the flags; digitalSignature is the first bit.
    const flags = keyUsage.charCodeAt(1);
    if (Number.isNaN(flags) || (flags & 0x80) === 0) return false;
  }
  return true;
}

/** The NISS in the subject's serialNumber attribute (Belgian eID), when it is a valid one. */
export function nissOf(cert: ParsedCertificate): string | undefined {
  const value = subjectAttributes(cert.der).find((a) => a.oid === OID.serialNumber)?.value.trim();
  return value && isValidNiss(value) ? value : undefined;
}

/** Every certificate of a PEM bundle (the configured eID CAs). */
export function readBundle(pem: string): X509Certificate[] {
  return forge.pem
    .decode(pem)
    .filter((b) => b.type === 'CERTIFICATE')
    .map((b) => new X509Certificate(Buffer.from(b.body, 'binary')));
}

/** The eID CAs of UM_EID_CA_FILE; a file without a CA certificate stops the service at start. */
export function loadEidAnchors(file: string | undefined): X509Certificate[] {
  if (!file) return [];
  const anchors = readBundle(fs.readFileSync(file, 'utf8'));
  if (anchors.length === 0 || anchors.some((ca) => !ca.ca)) {
    throw new Error(`UM_EID_CA_FILE (${file}) must hold one or more CA certificates in PEM`);
  }
  return anchors;
}

/** The certificate was issued and signed by one of `anchors`, a CA valid at `now`. */
export function issuedByAnchor(cert: ParsedCertificate, anchors: readonly X509Certificate[], now = new Date()): boolean {
  return anchors.some(
    (ca) =>
      ca.ca &&
      ca.validFromDate.getTime() <= now.getTime() &&
      now.getTime() <= ca.validToDate.getTime() &&
      cert.x509.checkIssued(ca) &&
      cert.x509.verify(ca.publicKey),
  );
}

// ---- ASN.1 (node-forge) -------------------------------------------------------------------------

/** forge's fromDer takes options its typings omit; bit strings are kept as read (key usage flags). */
const fromDer = (bytes: string): forge.asn1.Asn1 =>
  (forge.asn1.fromDer as unknown as (input: forge.util.ByteStringBuffer, options: object) => forge.asn1.Asn1)(forge.util.createBuffer(bytes), {
    strict: true,
    decodeBitStrings: false,
  });

function tbsFields(der: Buffer): forge.asn1.Asn1[] {
  const cert = fromDer(der.toString('binary'));
  const tbs = (cert.value as forge.asn1.Asn1[])[0];
  return (tbs?.value as forge.asn1.Asn1[]) ?? [];
}

/** tbsCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, [1]?, [2]?, [3] extensions? */
function versionOffset(fields: forge.asn1.Asn1[]): number {
  return fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && fields[0].type === 0 ? 1 : 0;
}

function stringValue(node: forge.asn1.Asn1): string {
  const raw = typeof node.value === 'string' ? node.value : '';
  if (node.type === forge.asn1.Type.UTF8) return forge.util.decodeUtf8(raw);
  if (node.type === forge.asn1.Type.BMPSTRING) return Buffer.from(raw, 'binary').swap16().toString('utf16le');
  return raw;
}

export function subjectAttributes(der: Buffer): Array<{ oid: string; value: string }> {
  const fields = tbsFields(der);
  const subject = fields[versionOffset(fields) + 4];
  const out: Array<{ oid: string; value: string }> = [];
  for (const rdn of (subject?.value as forge.asn1.Asn1[]) ?? []) {
    for (const pair of (rdn.value as forge.asn1.Asn1[]) ?? []) {
      const [oid, value] = pair.value as forge.asn1.Asn1[];
      if (!oid || !value || typeof oid.value !== 'string') continue;
      out.push({ oid: forge.asn1.derToOid(oid.value), value: stringValue(value) });
    }
  }
  return out;
}

/** The raw (binary-string) content of an extension's value, when the certificate has it. */
function extensionValue(der: Buffer, oid: string): string | undefined {
  const fields = tbsFields(der);
  const wrapper = fields.find((f) => f.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && f.type === 3);
  const list = (wrapper?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value as forge.asn1.Asn1[] | undefined;
  for (const extension of list ?? []) {
    const parts = extension.value as forge.asn1.Asn1[];
    const id = parts[0];
    if (!id || typeof id.value !== 'string' || forge.asn1.derToOid(id.value) !== oid) continue;
    const octets = parts[parts.length - 1];
    if (!octets || typeof octets.value !== 'string') return undefined;
    const inner = fromDer(octets.value);
    return typeof inner.value === 'string' ? inner.value : undefined;
  }
  return undefined;
}
